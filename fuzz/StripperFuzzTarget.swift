// libFuzzer's entry for the metadata stripper: every input is tried as each of the four formats. A crash, a
// sanitizer report or a file that changes when cleaned twice stops the run. Built and run by scripts/fuzz-images.
import ImageMetadata

@_cdecl("LLVMFuzzerTestOneInput")
public func stripperFuzzTarget(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    for format in ImageFormat.allCases {
        guard let clean = try? MetadataStripper.strip(bytes, as: format) else { continue }
        guard let again = try? MetadataStripper.strip(clean.bytes, as: format), again.bytes == clean.bytes else {
            fatalError("cleaning a cleaned \(format) file changed it")
        }
    }
    return 0
}
