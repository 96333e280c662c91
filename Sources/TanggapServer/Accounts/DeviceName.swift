/// A browser or program as its owner would recognise it in a list of their sign-ins ("Firefox · Android"),
/// read from its User-Agent. Only the family is kept: a version number helps no one recognise their phone and
/// makes the string a better fingerprint.
enum DeviceName {
    static func of(userAgent: String?) -> String {
        guard let agent = userAgent?.prefix(512), !agent.isEmpty else { return "?" }
        let browsers: [(marker: String, name: String)] = [
            ("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"), ("Firefox/", "Firefox"),
            ("Chromium/", "Chromium"), ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl"),
            ("python-requests/", "Python"), ("okhttp/", "Android app"),
        ]
        let systems: [(marker: String, name: String)] = [
            ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"), ("Mac OS X", "macOS"),
            ("CrOS", "ChromeOS"), ("Linux", "Linux"),
        ]
        let browser = browsers.first { agent.contains($0.marker) }?.name
        let system = systems.first { agent.contains($0.marker) }?.name
        switch (browser, system) {
        case (let browser?, let system?): return "\(browser) · \(system)"
        case (let browser?, nil): return browser
        case (nil, let system?): return system
        case (nil, nil): return String(agent.prefix(40)).filter { $0.isLetter || $0.isNumber || " ./-_".contains($0) }
        }
    }
}
