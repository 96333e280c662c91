/// The rules for taking in a new report: what must be there, what each field may hold, which channel a
/// submitter may claim, and where the report starts.
public enum Intake {
    /// Checks a submission. `today` is the current date where the deployment is (events cannot be in the
    /// future); `defaultChannel` is the surface it came through.
    public static func validate(
        _ input: ReportSubmission, from submitter: Submitter, today: LocalDate, defaultChannel: Channel
    ) throws(ValidationFailure) -> ValidReport {
        var check = FieldChecker()

        var classification = Classification.pengaduan
        if let raw = input.classification {
            if let value = Classification(rawValue: raw) {
                classification = value
            } else {
                check.add("classification", .invalid)
            }
        }
        let title = check.requiredText(input.title, field: "title", limits: TextLimits.title)
        let body = check.requiredText(input.body, field: "body", limits: TextLimits.body, multiLine: true)

        var eventDate: LocalDate?
        if let raw = input.eventDate, !raw.isEmpty {
            if let date = LocalDate(iso: raw), date.year >= 1945 {
                if date > today { check.add("event_date", .inFuture) } else { eventDate = date }
            } else {
                check.add("event_date", .invalid)
            }
        }

        let locationText = check.optionalText(input.locationText, field: "location_text", limits: TextLimits.location)
        let coordinates = checkCoordinates(input.latitude, input.longitude, with: &check)
        if input.subcategoryID != nil && input.categoryID == nil { check.add("category_id", .required) }

        let channel = checkChannel(input.channel, submitter: submitter, default: defaultChannel, with: &check)

        let name = check.optionalText(input.reporterName, field: "reporter_name", limits: TextLimits.name)
        var email: String?
        if let raw = input.reporterEmail, !TextNormalizer.isBlank(raw) {
            email = ContactRules.email(raw)
            if email == nil { check.add("reporter_email", .invalid) }
        }
        var phone: String?
        if let raw = input.reporterPhone, !TextNormalizer.isBlank(raw) {
            phone = ContactRules.phone(raw)
            if phone == nil { check.add("reporter_phone", .invalid) }
        }

        try check.finish()
        return ValidReport(
            classification: classification, title: title!, body: body!, eventDate: eventDate,
            locationText: locationText, regionID: input.regionID, coordinates: coordinates,
            categoryID: input.categoryID, subcategoryID: input.subcategoryID,
            targetInstitutionID: input.targetInstitutionID, isAnonymous: input.isAnonymous,
            isConfidential: input.isConfidential, channel: channel, reporterName: name, reporterEmail: email,
            reporterPhone: phone)
    }

    /// Where a new report starts: with the institution it names, or with the national level for triage.
    public static func initialHolder(target: InstitutionPath?, root: InstitutionPath) -> InstitutionPath {
        target ?? root
    }

    /// The account a new report belongs to. An operator typing in a walk-in, a letter or a radio call files
    /// for someone else, so the report is not theirs; such reports, like those without an account, get a secret.
    public static func owner(of submitter: Submitter, channel: Channel) -> Int64? {
        guard case .user(let user) = submitter else { return nil }
        let typedInForSomeoneElse = Channel.offline.contains(channel) && user.grants.contains { $0.role == .operator }
        return typedInForSomeoneElse ? nil : user.id
    }

    /// The channels a submitter may claim. Citizens come through the web or an app; operators type in what
    /// arrived offline; only a channel gateway speaks for SMS, WhatsApp, Telegram, e-mail and federation.
    public static func allowedChannels(for submitter: Submitter) -> Set<Channel> {
        switch submitter {
        case .visitor:
            return [.web, .api]
        case .channelGateway:
            return Set(Channel.allCases)
        case .user(let user):
            let isOperator = user.grants.contains { $0.role == .operator }
            return isOperator ? Channel.offline.union([.web, .api]) : [.web, .api]
        }
    }

    private static func checkChannel(
        _ raw: String?, submitter: Submitter, default defaultChannel: Channel, with check: inout FieldChecker
    ) -> Channel {
        guard let raw, !raw.isEmpty else { return defaultChannel }
        guard let channel = Channel(rawValue: raw) else {
            check.add("channel", .invalid)
            return defaultChannel
        }
        guard allowedChannels(for: submitter).contains(channel) else {
            check.add("channel", .notAllowed)
            return defaultChannel
        }
        return channel
    }

    private static func checkCoordinates(
        _ latitude: Double?, _ longitude: Double?, with check: inout FieldChecker
    ) -> Coordinates? {
        switch (latitude, longitude) {
        case (nil, nil):
            return nil
        case (let lat?, let lon?):
            var valid = true
            if !lat.isFinite || !(-90...90).contains(lat) {
                check.add("latitude", .invalid)
                valid = false
            }
            if !lon.isFinite || !(-180...180).contains(lon) {
                check.add("longitude", .invalid)
                valid = false
            }
            return valid ? Coordinates(latitude: lat, longitude: lon) : nil
        case (nil, _):
            check.add("latitude", .required)
            return nil
        case (_, nil):
            check.add("longitude", .required)
            return nil
        }
    }
}
