import TanggapCore

/// What synthetic reports are about: each topic belongs to one category of the national taxonomy and to one kind
/// of body — a regency's office, a province's, or a ministry — so the history the generator writes teaches what a
/// real one would. A category spans several kinds of body (a regency road, a provincial one, a national one are
/// all Pekerjaan Umum), which is why the category alone does not tell where a report goes.
struct SyntheticTopic: Sendable {
    /// The category's name in `lapor-categories.csv`.
    let category: String
    let level: BodyKey.Level
    /// The office (`SyntheticTree.offices`) or ministry; empty for the government itself.
    let body: String
    /// How often it comes up, against the others.
    let weight: Int
    let subjects: [String]
    let problems: [String]
    /// A sentence that people add about this kind of problem.
    let details: [String]

    static let all: [SyntheticTopic] = [
        SyntheticTopic(
            category: "PEKERJAAN UMUM DAN PENATAAN RUANG", level: .local, body: "Dinas Pekerjaan Umum dan Penataan Ruang", weight: 8,
            subjects: ["jalan kabupaten", "jalan desa", "jalan lingkungan", "aspal jalan kampung", "jalan poros desa"],
            problems: ["berlubang besar", "rusak parah", "amblas", "retak dan bergelombang", "tergenang dan hancur"],
            details: [
                "Motor sering jatuh terutama malam hari.", "Truk material proyek lewat setiap hari.", "Sudah ditambal tapi rusak lagi.",
            ]),
        SyntheticTopic(
            category: "PEKERJAAN UMUM DAN PENATAAN RUANG", level: .local, body: "Dinas Pekerjaan Umum dan Penataan Ruang", weight: 4,
            subjects: ["jembatan desa", "jembatan gantung", "gorong-gorong", "saluran drainase", "tanggul irigasi"],
            problems: ["ambruk", "retak dan miring", "tersumbat lumpur", "jebol", "papan lantainya lapuk", "membuat banjir setiap hujan"],
            details: [
                "Air meluap ke rumah warga kalau hujan.", "Anak sekolah terpaksa memutar jauh.", "Kendaraan roda empat tidak bisa lewat.",
            ]),
        SyntheticTopic(
            category: "PEKERJAAN UMUM DAN PENATAAN RUANG", level: .province, body: "Dinas Pekerjaan Umum dan Penataan Ruang", weight: 3,
            subjects: ["jalan provinsi", "ruas jalan provinsi", "jembatan di jalan provinsi"],
            problems: ["berlubang besar", "rusak parah", "amblas separuh badan jalan", "longsor di tepinya"],
            details: [
                "Jalur ini dipakai antarkabupaten.", "Bus antarkota harus melambat.", "Sudah lama tidak ada perbaikan dari provinsi.",
            ]),
        SyntheticTopic(
            category: "PEKERJAAN UMUM DAN PENATAAN RUANG", level: .national, body: "Kementerian Pekerjaan Umum", weight: 2,
            subjects: ["jalan nasional", "jalan lintas nasional", "jembatan jalan nasional", "bendungan"],
            problems: ["berlubang besar", "rusak parah", "retak panjang", "amblas"],
            details: [
                "Jalur logistik antarprovinsi terganggu.", "Kecelakaan truk sudah beberapa kali.", "Balai jalan nasional belum turun.",
            ]),
        SyntheticTopic(
            category: "PEKERJAAN UMUM DAN PENATAAN RUANG", level: .local, body: "", weight: 3,
            subjects: ["air PDAM", "pipa PDAM", "meteran PDAM"],
            problems: ["tidak mengalir", "keruh dan berbau", "bocor di jalan", "tagihannya melonjak"],
            details: ["Warga harus membeli air galon.", "Pengaduan ke kantor PDAM tidak ditanggapi.", "Air hanya keluar tengah malam."]),
        SyntheticTopic(
            category: "PERHUBUNGAN", level: .local, body: "Dinas Perhubungan", weight: 4,
            subjects: ["lampu lalu lintas", "lampu penerangan jalan umum", "rambu lalu lintas", "halte bus", "zebra cross"],
            problems: ["mati", "rusak", "hilang", "tidak berfungsi", "tertutup pohon"],
            details: ["Persimpangan jadi rawan tabrakan.", "Jalan gelap gulita di malam hari.", "Pengendara bingung arah."]),
        SyntheticTopic(
            category: "PERHUBUNGAN", level: .local, body: "Dinas Perhubungan", weight: 3,
            subjects: ["angkot", "parkir liar", "juru parkir", "truk bertonase besar"],
            problems: ["ngetem sembarangan", "memungut tarif berlebihan", "bikin macet", "melintas di jalan kota"],
            details: ["Macet panjang setiap pagi.", "Tidak ada karcis resmi.", "Petugas dishub tidak pernah terlihat."]),
        SyntheticTopic(
            category: "PERHUBUNGAN", level: .national, body: "Kementerian Perhubungan", weight: 2,
            subjects: ["kereta api", "pelabuhan penyeberangan", "kapal feri", "bandara"],
            problems: ["jadwal sering terlambat", "antrean tiket kacau", "fasilitas toilet rusak", "calo tiket merajalela"],
            details: ["Penumpang menunggu berjam-jam.", "Tidak ada informasi dari petugas.", "Harga tiket di luar ketentuan."]),
        SyntheticTopic(
            category: "KESEHATAN", level: .local, body: "Dinas Kesehatan", weight: 5,
            subjects: ["puskesmas", "posyandu", "puskesmas pembantu", "bidan desa"],
            problems: ["pelayanannya lambat", "obatnya kosong", "petugasnya tidak ramah", "dokternya jarang ada", "tutup sebelum jam"],
            details: ["Pasien lansia menunggu dari pagi.", "Kami disuruh beli obat di apotek luar.", "Ibu hamil tidak dilayani."]),
        SyntheticTopic(
            category: "KESEHATAN", level: .province, body: "Dinas Kesehatan", weight: 2,
            subjects: ["rumah sakit umum daerah provinsi", "RSUD provinsi", "rumah sakit jiwa provinsi"],
            problems: ["menolak pasien", "antrean rawat inap lama", "kamar selalu penuh", "meminta uang jaminan"],
            details: [
                "Pasien gawat darurat dibiarkan di lorong.", "Keluarga pasien harus menginap di luar.", "Rujukan dari kabupaten ditolak.",
            ]),
        SyntheticTopic(
            category: "KESEHATAN", level: .national, body: "Badan Penyelenggara Jaminan Sosial Kesehatan", weight: 3,
            subjects: ["kartu BPJS Kesehatan", "iuran BPJS", "kepesertaan JKN", "kartu KIS"],
            problems: ["tiba-tiba tidak aktif", "ditagih dobel", "ditolak saat berobat", "tidak bisa dipindah faskes"],
            details: [
                "Padahal iuran rutin dibayar tiap bulan.", "Petugas kantor cabang menyuruh bolak-balik.", "Anak kami harus rawat inap.",
            ]),
        SyntheticTopic(
            category: "PENDIDIKAN DAN KEBUDAYAAN", level: .local, body: "Dinas Pendidikan", weight: 4,
            subjects: ["sekolah dasar negeri", "SMP negeri", "guru honorer", "gedung SD"],
            problems: ["memungut uang seragam", "atap kelasnya bocor", "gurunya jarang masuk", "gajinya belum dibayar", "menahan rapor"],
            details: ["Orang tua murid keberatan.", "Murid belajar di teras.", "Komite sekolah tidak transparan."]),
        SyntheticTopic(
            category: "PENDIDIKAN DAN KEBUDAYAAN", level: .province, body: "Dinas Pendidikan", weight: 2,
            subjects: ["SMA negeri", "SMK negeri", "sekolah menengah atas"],
            problems: ["memungut uang gedung", "PPDB zonasinya curang", "menahan ijazah", "menjual LKS wajib"],
            details: ["Siswa kurang mampu tidak bisa ambil ijazah.", "Kuota zonasi diisi titipan.", "Pungutan tanpa dasar hukum."]),
        SyntheticTopic(
            category: "PENDIDIKAN DAN KEBUDAYAAN", level: .national, body: "Kementerian Pendidikan Dasar dan Menengah", weight: 2,
            subjects: ["dana BOS", "Program Indonesia Pintar", "Kartu Indonesia Pintar", "tunjangan sertifikasi guru"],
            problems: ["belum cair", "salah sasaran", "dipotong oknum", "datanya hilang di dapodik"],
            details: ["Sudah dua semester menunggu.", "Operator sekolah tidak bisa menjelaskan.", "Siswa miskin tidak terdaftar."]),
        SyntheticTopic(
            category: "SOSIAL DAN KESEJAHTERAAN", level: .local, body: "Dinas Sosial", weight: 3,
            subjects: ["bantuan sosial", "BLT", "bansos beras", "bantuan lansia"],
            problems: ["tidak tepat sasaran", "dipotong oknum RT", "belum diterima", "dibagikan ke kerabat perangkat"],
            details: ["Warga miskin tidak kebagian.", "Yang mampu malah dapat.", "Pendataan tidak pernah ke rumah kami."]),
        SyntheticTopic(
            category: "SOSIAL DAN KESEJAHTERAAN", level: .national, body: "Kementerian Sosial", weight: 2,
            subjects: ["PKH", "Program Keluarga Harapan", "data DTKS", "bantuan pangan non tunai"],
            problems: ["tidak cair", "namanya dicoret", "pendampingnya minta uang", "saldonya nol"],
            details: ["Kartu KKS ditahan agen.", "Sudah lapor ke pendamping tetap tidak ada hasil.", "Kami keluarga prasejahtera."]),
        SyntheticTopic(
            category: "KEPENDUDUKAN", level: .local, body: "Dinas Kependudukan dan Pencatatan Sipil", weight: 4,
            subjects: ["KTP elektronik", "kartu keluarga", "akta kelahiran", "surat pindah"],
            problems: ["belum jadi berbulan-bulan", "blankonya habis", "diminta bayar calo", "datanya salah cetak"],
            details: [
                "Perlu untuk daftar sekolah anak.", "Antrean di kantor disdukcapil mengular.", "Petugas bilang sistem sedang offline.",
            ]),
        SyntheticTopic(
            category: "LINGKUNGAN HIDUP DAN KEHUTANAN", level: .local, body: "Dinas Lingkungan Hidup", weight: 4,
            subjects: ["sampah", "TPS liar", "tumpukan sampah", "bak sampah"],
            problems: ["tidak diangkut", "menumpuk dan bau", "dibakar warga", "meluber ke jalan"],
            details: ["Lalat dan tikus di mana-mana.", "Truk sampah tidak datang seminggu.", "Anak-anak mulai batuk."]),
        SyntheticTopic(
            category: "LINGKUNGAN HIDUP DAN KEHUTANAN", level: .local, body: "Dinas Lingkungan Hidup", weight: 2,
            subjects: ["sungai", "limbah pabrik", "asap cerobong pabrik", "limbah peternakan"],
            problems: ["tercemar limbah", "berbau busuk", "membuat ikan mati", "mengotori sumur warga"],
            details: ["Air sumur warga berubah warna.", "Pabrik membuang limbah malam hari.", "Warga gatal-gatal."]),
        SyntheticTopic(
            category: "LINGKUNGAN HIDUP DAN KEHUTANAN", level: .national, body: "Kementerian Lingkungan Hidup", weight: 1,
            subjects: ["kebakaran hutan", "pembalakan liar", "hutan lindung", "tambang pasir"],
            problems: ["tidak ditindak", "asapnya tebal", "terus ditebangi", "merusak kawasan"],
            details: ["Kabut asap sampai ke kota.", "Truk kayu lewat setiap malam.", "Aparat setempat diam saja."]),
        SyntheticTopic(
            category: "KETENTERAMAN, KETERTIBAN UMUM, DAN PELINDUNGAN MASYARAKAT", level: .local, body: "Satuan Polisi Pamong Praja",
            weight: 3,
            subjects: ["pedagang kaki lima", "PKL", "bangunan liar", "reklame liar"],
            problems: ["menutup trotoar", "berjualan di bahu jalan", "mengganggu pejalan kaki", "berdiri di atas saluran"],
            details: ["Pejalan kaki terpaksa turun ke jalan.", "Sudah ditertibkan tapi kembali lagi.", "Macet tiap sore."]),
        SyntheticTopic(
            category: "KETENTERAMAN, KETERTIBAN UMUM, DAN PELINDUNGAN MASYARAKAT", level: .local, body: "Satuan Polisi Pamong Praja",
            weight: 2,
            subjects: ["tempat hiburan malam", "karaoke", "warung minuman keras", "balapan liar"],
            problems: ["buka sampai subuh", "berisik sekali", "menjual miras bebas", "tiap malam minggu"],
            details: ["Warga tidak bisa tidur.", "Sering ada keributan.", "Dekat dengan pondok pesantren."]),
        SyntheticTopic(
            category: "KETENAGAKERJAAN", level: .national, body: "Kementerian Ketenagakerjaan", weight: 2,
            subjects: ["upah buruh pabrik", "pesangon karyawan", "BPJS Ketenagakerjaan perusahaan", "kontrak kerja"],
            problems: ["di bawah UMK", "tidak dibayar", "tidak didaftarkan", "PHK sepihak"],
            details: ["Perusahaan mengancam yang protes.", "Lembur tidak dihitung.", "Sudah mediasi tanpa hasil."]),
        SyntheticTopic(
            category: "AGAMA", level: .national, body: "Kementerian Agama", weight: 1,
            subjects: ["biaya haji", "antrean haji", "madrasah negeri", "biaya nikah di KUA"],
            problems: ["tidak jelas", "dipungut lebih", "bangunannya rusak", "diminta amplop"],
            details: ["Jemaah lansia bingung.", "Tidak ada kuitansi resmi.", "Sudah bertanya ke kantor kemenag."]),
        SyntheticTopic(
            category: "ENERGI DAN SUMBER DAYA ALAM", level: .national, body: "Kementerian Energi dan Sumber Daya Mineral", weight: 3,
            subjects: ["listrik PLN", "gas elpiji 3 kg", "BBM solar", "tambang galian"],
            problems: ["sering padam", "langka di pangkalan", "dijual di atas HET", "tanpa izin"],
            details: ["Usaha kecil warga merugi.", "Antrean di SPBU panjang.", "Alat elektronik warga rusak."]),
        SyntheticTopic(
            category: "PERTANIAN DAN PETERNAKAN", level: .national, body: "Kementerian Pertanian", weight: 2,
            subjects: ["pupuk bersubsidi", "benih padi bantuan", "kartu tani", "vaksin ternak"],
            problems: ["langka", "harganya mahal", "tidak sampai ke petani", "dijual kios ke luar daerah"],
            details: ["Musim tanam sudah mulai.", "Kelompok tani tidak kebagian.", "Penyuluh tidak pernah datang."]),
        SyntheticTopic(
            category: "TEKNOLOGI INFORMASI DAN KOMUNIKASI", level: .national, body: "Kementerian Komunikasi dan Digital", weight: 2,
            subjects: ["sinyal internet", "situs judi online", "pinjol ilegal", "SMS penipuan"],
            problems: ["tidak ada di desa", "marak sekali", "meneror warga", "terus masuk"],
            details: ["Anak-anak sekolah daring kesulitan.", "Data pribadi disebar ke kontak.", "Banyak warga tertipu."]),
        SyntheticTopic(
            category: "EKONOMI DAN KEUANGAN", level: .national, body: "Kementerian Keuangan", weight: 1,
            subjects: ["barang kiriman luar negeri", "bea masuk", "pajak kendaraan", "NPWP"],
            problems: ["tertahan di bea cukai", "dendanya tidak wajar", "dipersulit", "salah tagih"],
            details: ["Tidak ada rincian perhitungan.", "Sudah kirim dokumen lengkap.", "Layanan telepon tidak tersambung."]),
        SyntheticTopic(
            category: "PEMBANGUNAN DESA, DAERAH TERTINGGAL, DAN TRANSMIGRASI", level: .national,
            body: "Kementerian Desa dan Pembangunan Daerah Tertinggal", weight: 2,
            subjects: ["dana desa", "BUMDes", "proyek pembangunan desa", "lahan transmigrasi"],
            problems: ["diselewengkan kepala desa", "tidak transparan", "mangkrak", "bersengketa"],
            details: ["Musyawarah desa tidak pernah diadakan.", "Papan informasi proyek tidak ada.", "Warga minta audit."]),
        SyntheticTopic(
            category: "PERLINDUNGAN KONSUMEN", level: .national, body: "Kementerian Perdagangan", weight: 1,
            subjects: ["minyak goreng", "timbangan pedagang pasar", "harga beras", "produk kedaluwarsa"],
            problems: ["langka", "curang", "melonjak", "dijual bebas"],
            details: ["Ibu rumah tangga menjerit.", "Pengawasan pasar tidak ada.", "Sudah difoto sebagai bukti."]),
        SyntheticTopic(
            category: "POLITIK DAN HUKUM", level: .local, body: "", weight: 2,
            subjects: ["kepala desa", "perangkat kelurahan", "pegawai kecamatan", "camat"],
            problems: ["meminta pungli", "jarang di kantor", "ikut kampanye", "mempersulit surat"],
            details: ["Surat keterangan usaha tidak keluar.", "Warga takut melapor langsung.", "Ada bukti rekaman."]),
    ]
}
