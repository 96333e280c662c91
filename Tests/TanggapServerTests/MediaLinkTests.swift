import Testing

@testable import TanggapServer

/// A picture's link from an app is kept only when it leads to the public internet, and is never fetched.
@Suite struct MediaLinkTests {
    @Test func linksInsideTheNetworkAreRefused() {
        for inside in [
            "http://127.0.0.1/a.jpg", "http://localhost:8080/a.jpg", "http://10.0.0.5/a.jpg", "http://172.20.1.1/a.jpg",
            "http://192.168.1.1/a.jpg", "http://169.254.169.254/latest/meta-data", "http://[::1]/a.jpg", "http://[fd00::1]/a.jpg",
            "http://[::ffff:127.0.0.1]/a.jpg", "http://2130706433/a.jpg", "http://0x7f.0.0.1/a.jpg", "http://intranet/a.jpg",
            "http://printer.local/a.jpg", "http://0.0.0.0/a.jpg", "file:///etc/passwd", "ftp://example.org/a.jpg",
            "http://user:pass@example.org/a.jpg", "javascript:alert(1)", "", "http://" + String(repeating: "a", count: 2_100) + ".org",
        ] {
            #expect(MediaLink.checked(inside) == nil, "\(inside)")
        }
    }

    @Test func publicLinksAreKeptAsSent() {
        for outside in ["https://foto.kotakita.id/laporan/1.jpg", "http://203.0.113.7/a.png", "https://[2001:db8::1]/a.jpg"] {
            #expect(MediaLink.checked(outside) == outside)
        }
    }
}
