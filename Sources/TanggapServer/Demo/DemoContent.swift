import TanggapCore

/// What the demo's citizens write about: realistic complaints, each with the unit that should act on it.
enum DemoContent {
    struct Template {
        let title: String
        let body: String
        let category: String
        let subcategory: String
        /// The unit of the demo regency that is competent, by short key.
        let unit: String
        let classification: Classification
    }

    static let districts = [
        "Soreang", "Banjaran", "Cileunyi", "Dayeuhkolot", "Baleendah", "Majalaya", "Ciparay",
        "Pangalengan", "Rancaekek", "Margahayu", "Katapang", "Bojongsoang",
    ]

    static let templates: [Template] = [
        Template(
            title: "Jalan berlubang di dekat pasar {d}",
            body:
                "Jalan utama menuju pasar {d} berlubang besar sejak awal musim hujan. Sudah ada dua pengendara motor yang jatuh minggu ini. Mohon segera ditambal sebelum ada korban lagi.",
            category: "PEKERJAAN UMUM DAN PENATAAN RUANG", subcategory: "JALAN BERLUBANG", unit: "pupr", classification: .pengaduan),
        Template(
            title: "Lampu penerangan jalan mati di {d}",
            body:
                "Lampu penerangan jalan di sepanjang jalan desa di Kecamatan {d} sudah mati lebih dari sebulan. Malam hari sangat gelap dan rawan begal.",
            category: "PEKERJAAN UMUM DAN PENATAAN RUANG", subcategory: "PENERANGAN JALAN", unit: "pupr", classification: .pengaduan),
        Template(
            title: "Gorong-gorong tersumbat menyebabkan banjir di {d}",
            body:
                "Setiap hujan deras, air meluap ke rumah warga karena gorong-gorong di ujung gang tersumbat sampah dan lumpur. Mohon dinas terkait melakukan pengerukan.",
            category: "PEKERJAAN UMUM DAN PENATAAN RUANG", subcategory: "DRAINASE (GORONG-GORONG/PARIT)", unit: "pupr",
            classification: .pengaduan),
        Template(
            title: "Jembatan desa di {d} retak",
            body:
                "Jembatan penghubung dua desa di Kecamatan {d} mengalami retak pada tiang penyangga. Anak-anak sekolah melintas setiap hari. Mohon diperiksa kelayakannya.",
            category: "PEKERJAAN UMUM DAN PENATAAN RUANG", subcategory: "JEMBATAN", unit: "pupr", classification: .pengaduan),
        Template(
            title: "Antrean sangat lama di Puskesmas {d}",
            body:
                "Pasien harus datang jam 5 pagi untuk mendapat nomor antrean di Puskesmas {d}, dan baru dilayani menjelang siang. Mohon ada sistem antrean daring atau penambahan petugas.",
            category: "KESEHATAN", subcategory: "ANTRIAN LAMA", unit: "dinkes", classification: .pengaduan),
        Template(
            title: "Obat tidak tersedia di Puskesmas {d}",
            body:
                "Obat hipertensi yang biasa saya terima tidak tersedia selama dua bulan terakhir di Puskesmas {d}. Saya diminta membeli sendiri di apotek.",
            category: "KESEHATAN", subcategory: "PELAYANAN OBAT", unit: "dinkes", classification: .pengaduan),
        Template(
            title: "Petugas pendaftaran Puskesmas tidak ramah",
            body:
                "Petugas di loket pendaftaran Puskesmas {d} membentak lansia yang kesulitan mengisi formulir. Mohon pembinaan untuk petugas pelayanan.",
            category: "KESEHATAN", subcategory: "FRONTLINER TIDAK RAMAH", unit: "dinkes", classification: .pengaduan),
        Template(
            title: "Pembuatan KTP elektronik belum selesai",
            body:
                "Saya sudah merekam data KTP elektronik di Kecamatan {d} empat bulan lalu, tetapi sampai sekarang KTP belum jadi. Setiap ditanya jawabannya blangko habis.",
            category: "KEPENDUDUKAN", subcategory: "KTP (KARTU TANDA PENDUDUK)", unit: "disdukcapil", classification: .pengaduan),
        Template(
            title: "Mohon informasi syarat pembuatan akta kelahiran",
            body:
                "Anak saya lahir di rumah dengan bantuan bidan desa di {d}. Dokumen apa saja yang perlu disiapkan untuk membuat akta kelahiran, dan apakah bisa diurus secara daring?",
            category: "KEPENDUDUKAN", subcategory: "AKTA KELAHIRAN", unit: "disdukcapil", classification: .permintaanInformasi),
        Template(
            title: "Pungutan biaya seragam di SD negeri {d}",
            body:
                "Sekolah dasar negeri di {d} meminta orang tua membayar biaya seragam dan buku yang cukup besar, padahal katanya sekolah negeri gratis. Mohon kejelasan aturannya.",
            category: "PENDIDIKAN DAN KEBUDAYAAN", subcategory: "BIAYA SEKOLAH", unit: "disdik", classification: .pengaduan),
        Template(
            title: "Zonasi penerimaan siswa baru tidak transparan",
            body:
                "Anak kami tidak diterima di SMP terdekat dari rumah di {d}, sementara siswa dari luar zona diterima. Mohon penjelasan hasil seleksi dan daftar penerimaan.",
            category: "PENDIDIKAN DAN KEBUDAYAAN", subcategory: "PENERIMAAN SISWA BARU", unit: "disdik", classification: .pengaduan),
        Template(
            title: "Bantuan sosial tidak tepat sasaran di {d}",
            body:
                "Beberapa keluarga mampu di RW kami di {d} menerima bantuan sosial, sementara tetangga yang lansia dan tidak bekerja tidak terdaftar. Mohon pendataan ulang.",
            category: "SOSIAL DAN KESEJAHTERAAN", subcategory: "BANTUAN SOSIAL", unit: "dinsos", classification: .pengaduan),
        Template(
            title: "Usulan trayek angkutan umum ke {d}",
            body:
                "Warga {d} kesulitan menuju pusat kabupaten karena tidak ada angkutan umum setelah pukul 17.00. Kami mengusulkan penambahan trayek atau jam operasional.",
            category: "PERHUBUNGAN", subcategory: "TRANSPORTASI DARAT", unit: "dishub", classification: .aspirasi),
        Template(
            title: "Pedagang kaki lima menutup trotoar di {d}",
            body:
                "Trotoar di depan alun-alun {d} penuh pedagang sehingga pejalan kaki harus berjalan di badan jalan. Mohon penertiban yang manusiawi dan relokasi yang layak.",
            category: "KETENTERAMAN, KETERTIBAN UMUM, DAN PELINDUNGAN MASYARAKAT", subcategory: "KERESAHAN MASYARAKAT", unit: "satpolpp",
            classification: .pengaduan),
        Template(
            title: "Sampah menumpuk di tepi sungai {d}",
            body:
                "Tumpukan sampah di bantaran sungai di {d} tidak diangkut selama tiga minggu dan menimbulkan bau. Mohon jadwal pengangkutan sampah diperbaiki.",
            category: "LINGKUNGAN HIDUP DAN KEHUTANAN", subcategory: "PENGELOLAAN SAMPAH", unit: "dlh", classification: .pengaduan),
        Template(
            title: "Saran taman bermain ramah anak di {d}",
            body:
                "Kami mengusulkan agar lahan kosong milik pemerintah di {d} dijadikan taman bermain ramah anak dan ruang terbuka hijau untuk warga.",
            category: "PEKERJAAN UMUM DAN PENATAAN RUANG", subcategory: "TAMAN", unit: "pupr", classification: .aspirasi),
    ]

    static let answers = [
        "Terima kasih atas laporannya. Tim kami telah meninjau lokasi dan pekerjaan perbaikan dijadwalkan minggu ini.",
        "Laporan telah ditindaklanjuti. Petugas sudah turun ke lapangan dan masalah telah ditangani. Mohon konfirmasi bila masih ada kendala.",
        "Kami telah berkoordinasi dengan kecamatan setempat. Perbaikan masuk anggaran perubahan tahun ini; sementara itu dipasang rambu peringatan.",
    ]

    static let replies = [
        "Terima kasih, tetapi sampai hari ini belum ada perbaikan di lokasi.",
        "Sudah ada petugas datang, namun baru sebagian yang diperbaiki.",
    ]

    static let questions = [
        "Mohon informasikan titik lokasi yang lebih tepat (nama jalan atau patokan terdekat).",
        "Mohon lampirkan foto kondisi terkini agar kami dapat menindaklanjuti.",
    ]

    static let names = [
        "Siti Nurhaliza", "Asep Saepudin", "Dewi Lestari", "Budi Santoso", "Rina Kurniawati", "Ujang Supriatna",
        "Euis Rohayati", "Dadang Hermawan", "Nining Suryani", "Agus Setiawan", "Yeni Marlina", "Iwan Gunawan",
    ]

    /// Standard answers of Kabupaten Bandung, offered to its units' officers.
    static let replyTemplates: [(String, String)] = [
        (
            "Sudah ditindaklanjuti",
            "Terima kasih atas laporan Anda. Petugas kami telah turun ke lapangan dan masalah sudah ditangani. Mohon konfirmasi bila masih ada kendala."
        ),
        (
            "Dijadwalkan perbaikan",
            "Terima kasih atas laporan Anda. Perbaikan telah dijadwalkan dan akan dilaksanakan dalam 14 hari kerja. Kami akan mengabari bila sudah selesai."
        ),
        (
            "Perlu data tambahan",
            "Terima kasih atas laporan Anda. Agar dapat kami tindak lanjuti, mohon kirimkan lokasi tepat dan foto kondisi terkini."
        ),
    ]
}
