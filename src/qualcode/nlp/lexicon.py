"""Word lists for Indonesian normalisation and matching.

Everything here is data: informal spellings, words the stemmer must leave alone,
compounds, loanwords, and the small closed word classes the coder needs (fillers,
clause breakers, negation bridges). Change a list, then bump
``qualcode.nlp.normalize.NORMALIZER_VERSION`` so cached analyses are recomputed.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- informal spelling
# Chat and transcription spellings -> standard form. Applied to the lowercased word
# before any morphology, so "nggak" roots to "tidak" and "udah" to "sudah".
INFORMAL: dict[str, str] = {
    # negation
    "gak": "tidak",
    "ga": "tidak",
    "gk": "tidak",
    "ngga": "tidak",
    "nggak": "tidak",
    "ngak": "tidak",
    "engga": "tidak",
    "enggak": "tidak",
    "nda": "tidak",
    "ndak": "tidak",
    "tdk": "tidak",
    "tak": "tidak",
    "kagak": "tidak",
    "blm": "belum",
    "blum": "belum",
    "bkn": "bukan",
    "krg": "kurang",
    # aspect and degree
    "udah": "sudah",
    "udh": "sudah",
    "sdh": "sudah",
    "dah": "sudah",
    "sudh": "sudah",
    "msh": "masih",
    "lg": "lagi",
    "bgt": "banget",
    "bngt": "banget",
    "aja": "saja",
    "aj": "saja",
    "doang": "saja",
    "emang": "memang",
    "emg": "memang",
    "mmg": "memang",
    "bener": "benar",
    "beneran": "benar",
    "dikit": "sedikit",
    "sgt": "sangat",
    # function words
    "yg": "yang",
    "krn": "karena",
    "karna": "karena",
    "krna": "karena",
    "soalnya": "karena",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "kalo": "kalau",
    "klo": "kalau",
    "kl": "kalau",
    "tapi": "tetapi",
    "tp": "tetapi",
    "tpi": "tetapi",
    "trus": "terus",
    "jd": "jadi",
    "jdi": "jadi",
    "dr": "dari",
    "dri": "dari",
    "pd": "pada",
    "tsb": "tersebut",
    "spt": "seperti",
    "kayak": "seperti",
    "kaya": "seperti",
    "kyk": "seperti",
    "sbg": "sebagai",
    "thd": "terhadap",
    "dlm": "dalam",
    "bs": "bisa",
    "org": "orang",
    "sy": "saya",
    "gw": "saya",
    "gue": "saya",
    "aku": "saya",
    "kmrn": "kemarin",
    "skrg": "sekarang",
    "skr": "sekarang",
    "gimana": "bagaimana",
    "gmn": "bagaimana",
    "gitu": "begitu",
    "gt": "begitu",
    "gini": "begini",
    "kenapa": "mengapa",
    "knp": "mengapa",
    "ngapain": "mengapa",
    "tau": "tahu",
    "bikin": "buat",
    "dibikin": "buat",
    "ngerti": "mengerti",
    "pengen": "ingin",
    "pingin": "ingin",
    # Jakarta-style verbs
    "nunggu": "tunggu",
    "nungguin": "tunggu",
    "ngerjain": "kerja",
    "dikerjain": "kerja",
    "ngurus": "urus",
    "ngurusin": "urus",
    "diurusin": "urus",
    "nyampe": "sampai",
    "nyampai": "sampai",
    "nyari": "cari",
    "ngasih": "kasih",
    "dikasih": "kasih",
    "ngomong": "omong",
    "ngajak": "ajak",
    "ngatur": "atur",
    "diatur": "atur",
    "nanya": "tanya",
    "nanyain": "tanya",
    "ngecek": "cek",
    "ngebantu": "bantu",
    "bantuin": "bantu",
    "ngeluh": "keluh",
    "ngelapor": "lapor",
    "ngelaporin": "lapor",
    "ngoordinasi": "koordinasi",
    "ngoordinasiin": "koordinasi",
    "kerjain": "kerja",
    "beresin": "beres",
    "telat": "terlambat",
    "cepet": "cepat",
    "denger": "dengar",
    "dianter": "antar",
    "nganter": "antar",
    "datengin": "datang",
    "dateng": "datang",
    "ngitung": "hitung",
    "ngitungin": "hitung",
    "balikin": "balik",
    "nyalahin": "salah",
    "ngejar": "kejar",
    "ngisi": "isi",
    "ngirim": "kirim",
    "ngumpulin": "kumpul",
    "ngumpul": "kumpul",
    "ngasi": "kasih",
    "makasih": "terima kasih",
    "numpuk": "menumpuk",
    "nyusun": "menyusun",
    # spelling variants of formal words
    "respon": "respons",
    "koordinir": "koordinasi",
    "efektifitas": "efektivitas",
    "produktifitas": "produktivitas",
    "kreatifitas": "kreativitas",
    "aktifitas": "aktivitas",
    "sistim": "sistem",
    "praktek": "praktik",
    "resiko": "risiko",
    "nasehat": "nasihat",
    "apotik": "apotek",
    "ijin": "izin",
    "fikir": "pikir",
    "merubah": "mengubah",
    "silahkan": "silakan",
    "standart": "standar",
    "tehnis": "teknis",
    "tekhnis": "teknis",
    "obyek": "objek",
    "subyek": "subjek",
    "analisa": "analisis",
    "trampil": "terampil",
    "ketrampilan": "keterampilan",
    "kwalitas": "kualitas",
    "managemen": "manajemen",
    "manajement": "manajemen",
    "menejemen": "manajemen",
    "pegawe": "pegawai",
}

# --------------------------------------------------------------------------- stemmer guards
# Words whose root the stemmer gets wrong for coding purposes, mostly because it
# merges two office concepts (kinerja/kerja, pemerintah/perintah, bagian/bagi).
# Looked up on the lowercased word, and again after -nya/-ku/-mu/-lah/-pun are removed.
ROOT_OVERRIDES: dict[str, str] = {
    "kinerja": "kinerja",
    "berkinerja": "kinerja",
    "pemerintah": "pemerintah",
    "pemerintahan": "pemerintah",
    "kepemerintahan": "pemerintah",
    "kebijakan": "kebijakan",
    "kebijaksanaan": "bijaksana",
    "anggaran": "anggaran",
    "penganggaran": "anggaran",
    "dianggarkan": "anggaran",
    "menganggarkan": "anggaran",
    "teranggarkan": "anggaran",
    "bagian": "bagian",
    "subbagian": "sub bagian",
    "peserta": "peserta",
    "atasan": "atasan",
    "bawahan": "bawahan",
    "memuaskan": "puas",
    "kegiatan": "kegiatan",
    "kesiapan": "siap",
    "keadaan": "keadaan",
    "pengadaan": "adakan",
    "mengadakan": "adakan",
    "diadakan": "adakan",
    "ketentuan": "ketentuan",
    "menentukan": "tentukan",
    "ditentukan": "tentukan",
    "penentuan": "tentukan",
    "penetapan": "tetapkan",
    "ketetapan": "tetapkan",
    "ditetapkan": "tetapkan",
    "menetapkan": "tetapkan",
    "penduduk": "penduduk",
    "penghargaan": "hargai",
    "menghargai": "hargai",
    "dihargai": "hargai",
    "pengecekan": "cek",
    "mengecek": "cek",
    "dicek": "cek",
    "pemasukan": "masuk",
    "perangkat": "perangkat",
    "kepala": "kepala",
    "tersebut": "tersebut",
    "bukan": "bukan",
    "nonton": "tonton",
    "antara": "antara",
    "antaranya": "antara",
    "tupoksi": "tupoksi",
    # researcher/research, not "teliti" (careful)
    "peneliti": "peneliti",
    "penelitian": "penelitian",
    # openness, not "buka" (open a door, break the fast)
    "terbuka": "terbuka",
    "keterbukaan": "terbuka",
    "berbuka": "berbuka",
    # repair/improvement, not "baik" (good)
    "perbaikan": "perbaiki",
    "perbaiki": "perbaiki",
    "diperbaiki": "perbaiki",
    "memperbaiki": "perbaiki",
    "diperbaikin": "perbaiki",
    # explain, not "jelas" (clear)
    "menjelaskan": "jelaskan",
    "dijelaskan": "jelaskan",
    "jelaskan": "jelaskan",
    "penjelasan": "jelaskan",
    # "before", "at least": not the negators "belum", "tidak", "kurang"
    "sebelum": "sebelum",
    "sebelumnya": "sebelum",
    "setidaknya": "setidaknya",
    "setidak-tidaknya": "setidaknya",
    "sekurangnya": "sekurangnya",
    "sekurang-kurangnya": "sekurangnya",
    "belumlah": "belum",
    # guidance from a leader, not "arah" (direction)
    "arahan": "arahkan",
    "pengarahan": "arahkan",
    "mengarahkan": "arahkan",
    "diarahkan": "arahkan",
    "arahkan": "arahkan",
    # "hopefully", not "mudah" (easy)
    "mudah-mudahan": "mudah-mudahan",
    # applicant / appearance, not "mohon" (please) / "tampil" (show)
    "pemohon": "pemohon",
    "penampilan": "penampilan",
    # emphasise, not "tegas" (firm)
    "penegasan": "tegaskan",
    "menegaskan": "tegaskan",
    "ditegaskan": "tegaskan",
    "setda": "setda",
}

# Applied to the stemmer's output: spelling variants of one root.
ROOT_ALIASES: dict[str, str] = {
    "koordinir": "koordinasi",
    "respon": "respons",
    "efektifitas": "efektivitas",
    "produktifitas": "produktivitas",
}

# --------------------------------------------------------------------------- compounds
# Closed compounds that take affixes as one unit: "dipertanggungjawabkan" roots to
# "tanggung jawab", "bekerjasama" to "kerja sama", "ditindaklanjuti" to "tindak lanjut".
COMPOUNDS: tuple[str, ...] = (
    "tanggung jawab",
    "kerja sama",
    "tindak lanjut",
    "tanda tangan",
    "ikut serta",
    "daya guna",
    "hasil guna",
    "salah guna",
    "tepat guna",
    "uji coba",
    "beri tahu",
    "sebar luas",
    "serah terima",
    "campur tangan",
    "garis bawah",
    "lipat ganda",
    "alih fungsi",
    "ambil alih",
    "tata kelola",
    "tata laksana",
    "terima kasih",
    "sumber daya",
    "daya saing",
    "kerja keras",
)

# Bound morphemes written fused or hyphenated with the next word: "antarbidang",
# "antar-OPD", "pascapandemi", "nonASN", "subbidang" -> "antar bidang", ...
BOUND_PREFIXES: tuple[str, ...] = ("antar", "pasca", "non", "sub")
BOUND_PREFIX_EXCEPTIONS: frozenset[str] = frozenset(
    {
        "antar",
        "antara",
        "antaran",
        "antarkan",
        "antari",
        "nona",
        "nonton",
        "nonstop",
        "subsidi",
        "subjek",
        "subur",
        "subuh",
        "subyek",
        "substansi",
        "subtansi",
        "subsider",
        "subkontrak",
    }
)

# What may follow a word written in the codebook: "tercapai" also matches "tercapainya".
# fmt: off
CLITIC_TAILS: tuple[str, ...] = (
    "nyalah", "nyapun", "nyakah", "nya", "lah", "pun", "kah", "ku", "mu",
)
# fmt: on

# Particles and possessive clitics, stripped in this order.
PARTICLES: tuple[str, ...] = ("lah", "kah", "pun", "tah")
POSSESSIVES: tuple[str, ...] = ("nya", "ku", "mu")

# --------------------------------------------------------------------------- pass-through words
# Abbreviations of Indonesian public administration: kept as written (lowercased)
# and added to the stemmer's dictionary so "SAKIP-nya", "di-SK-kan" find them.
# fmt: off
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "sakip", "akip", "lkjip", "lakip", "iku", "ikm", "skm", "opd", "asn", "pns", "pppk",
        "setda", "sekda", "bappeda", "bkpsdm", "bkd", "bpkad", "bpkd", "dprd", "pemda",
        "pemkab", "pemkot", "pemprov", "kemenpan", "menpan", "kemendagri", "sop", "tpp",
        "spbe", "simpeg", "renstra", "renja", "rkpd", "rpjmd", "rka", "dpa", "apbd", "lppd",
        "lkpd", "spip", "pk", "skp", "ekinerja", "bimtek", "diklat", "rakor", "monev",
        "tupoksi", "sotk", "anjab", "abk", "esakip", "sipd", "sk", "spj", "lpj", "lhp",
        "bpk", "inspektorat", "kabag", "kasubag", "kasubbag", "kabid", "kadis", "sekdin",
        "plt", "plh", "wfh", "wfo", "zi", "wbk", "wbbm", "rb", "bb", "perpres", "perbup",
        "perda", "pergub", "perkada", "perwal", "permendagri", "permenpan", "permenpanrb",
        "juknis", "juklak", "sdm", "lkpj", "rkt", "ppid", "apip",
    }
)
# fmt: on

# English (and other) loanwords used as-is in office talk; also stemmer dictionary
# entries so that "diupdate", "mengupdate", "di-share" root to the loanword.
# fmt: off
LOANWORDS: frozenset[str] = frozenset(
    {
        "update", "upload", "download", "input", "output", "outcome", "share", "posting",
        "print", "scan", "deadline", "meeting", "online", "offline", "server", "error",
        "down", "login", "password", "email", "website", "web", "aplikasi", "database",
        "dashboard", "monitoring", "feedback", "reward", "punishment", "briefing", "leader",
        "leadership", "skill", "softskill", "hardskill", "teamwork", "workshop", "zoom",
        "whatsapp", "wa", "grup", "group", "link", "file", "folder", "follow", "upgrade",
        "support", "maintenance", "helpdesk", "trouble", "hang", "lemot", "lelet", "lag",
        "bug", "crash", "jaringan", "wifi", "internet", "sharing", "coaching", "mentoring",
        "timeline", "target", "planning", "report", "review", "event", "task", "job",
        "overload", "burnout", "mindset", "passion", "feeling", "enjoy", "fleksibel",
        "e-office", "e-kinerja", "e-sakip", "e-planning", "e-budgeting", "e-monev",
    }
)
# fmt: on

# --------------------------------------------------------------------------- coder word classes
# Words that may sit between the parts of a codebook phrase without breaking it:
# "tepat waktunya", "sumber daya yang manusia" is rare, but "kerja sama itu tim" is not.
# fmt: off
FILLERS: frozenset[str] = frozenset(
    {
        "yang", "itu", "ini", "tersebut", "sih", "kan", "ya", "tuh", "nih", "dong", "pun",
        "juga", "nya", "mah", "teh", "eh", "deh", "lho", "kok",
    }
)
# fmt: on

# Words that start a new major clause: cues after them describe something else.
# fmt: off
CLAUSE_BREAKERS: frozenset[str] = frozenset(
    {
        "tetapi", "namun", "sedangkan", "padahal", "meskipun", "walaupun", "walau",
        "meski", "biarpun", "sementara", "melainkan",
    }
)
# fmt: on

# Words allowed between a negator and the cue or keyword it negates, on top of the
# three-token window: "tidak pernah ada kendala", "belum sepenuhnya terintegrasi".
# fmt: off
NEGATION_BRIDGES: frozenset[str] = frozenset(
    {
        "ada", "pernah", "terlalu", "begitu", "cukup", "sepenuhnya", "sama", "sekali",
        "lagi", "pula", "juga", "terlihat", "nampak", "tampak", "menjadi", "jadi",
        "selalu", "maksimal",
    }
)
# fmt: on

# A negator followed by these is not a negation: "tidak hanya cepat tetapi juga tepat".
NEGATION_EXEMPT_NEXT: frozenset[str] = frozenset({"hanya", "saja", "cuma", "sekadar", "sekedar"})

# Negators that deny attribution rather than express a lack: "bukan karena pimpinannya".
DENIAL_NEGATORS: frozenset[str] = frozenset({"bukan"})
DENIAL_LINKS: frozenset[str] = frozenset(
    {"karena", "akibat", "oleh", "dari", "soal", "masalah", "faktor", "disebabkan", "sebab"}
)

# Verbs that remove an inhibiting cue that follows them ("mengurangi keterlambatan"),
# and words that resolve one that precedes them ("kendala itu sudah teratasi").
# Matched on the lowercased surface form, because their roots are ambiguous
# (mengatasi -> atas, mengurangi -> kurang).
# fmt: off
REDUCERS: frozenset[str] = frozenset(
    {
        "mengurangi", "meminimalkan", "meminimalisir", "meminimalisasi", "mengatasi",
        "menghilangkan", "menekan", "mencegah", "menghindari", "memangkas", "memperbaiki",
        "menyelesaikan", "mengantisipasi",
    }
)
# fmt: on
# fmt: off
RESOLVERS: frozenset[str] = frozenset(
    {
        "teratasi", "diatasi", "terselesaikan", "diselesaikan", "hilang", "berkurang",
        "terantisipasi", "diantisipasi", "diperbaiki", "beres",
    }
)
# fmt: on

# Surface forms whose root matches a cue but which do not carry the cue's valence.
# fmt: off
CUE_SURFACE_EXCEPTIONS: frozenset[str] = frozenset(
    {"mengurangi", "dikurangi", "pengurangan", "mengurangkan", "dikurangkan", "baiknya",
     "sebaiknya", "sebaik-baiknya",
     # preparing something is a task, not readiness ("penyiapan bahan kebijakan")
     "penyiapan", "persiapan", "menyiapkan", "disiapkan", "mempersiapkan", "dipersiapkan",
     # a deadline, not slowness ("selambat-lambatnya 31 Maret")
     "selambat-lambatnya", "selambatnya"}
)
# fmt: on

# Fixed expressions in which a cue word carries no valence.
NON_CUE_BIGRAMS: frozenset[tuple[str, str]] = frozenset(
    {("kurang", "lebih"), ("kurang", "dari"), ("tidak", "lain"), ("masalah", "nya")}
)
# Fixed expressions in which the second word is a cue without valence: "paling lambat
# 31 Maret" is a deadline, "tugas membantu Sekda" a duty.
NON_CUE_AFTER: frozenset[tuple[str, str]] = frozenset({("paling", "lambat"), ("tugas", "bantu")})
# Cues that count staff or items, not support, when a number follows ("didukung 13 orang ASN").
NON_CUE_BEFORE_NUMBER: frozenset[str] = frozenset({"dukung"})
# Conjunctions that open a conditional clause, as roots ("kalau itu beres, ...").
CONDITIONALS: frozenset[str] = frozenset({"kalau", "jika", "jikalau", "apabila", "bila", "andai"})
# Correlative conjunctions: the first word is not a cue when its partner follows.
CORRELATIVES: dict[str, str] = {"baik": "maupun"}

# Negators the coder adds to the codebook's own ("kurang jelas", "kurang koordinasi").
# Roots that, written with a capital inside a sentence, are part of a proper name
# ("Tim Penggerak PKK", "Tim" for Timotius) rather than the common noun.
NAME_SENSITIVE_ROOTS: frozenset[str] = frozenset({"tim"})

# Contrast conjunctions, as roots: the clause after one carries the speaker's point
# ("kompak, tapi informasinya nggak satu pintu").
CONTRAST_WORDS: frozenset[str] = frozenset({"tetapi", "namun", "padahal", "sayang"})

EXTRA_NEGATORS: tuple[str, ...] = ("kurang", "tidak", "belum", "bukan", "tanpa", "jarang")

# Informal and English cues that researchers rarely put in a codebook; the coder adds
# them to the codebook-wide cues unless told not to.
# fmt: off
EXTRA_INHIBITING: tuple[str, ...] = (
    "down", "error", "eror", "lemot", "lelet", "ngadat", "hang", "trouble", "crash", "bug",
    "molor", "mandek", "mangkrak", "ribet",
)
# fmt: on
EXTRA_SUPPORTING: tuple[str, ...] = ("oke", "mantap", "solid", "kompak", "smooth")

# Roots too common in office talk to count as specific evidence for one code.
# fmt: off
GENERIC_ROOTS: frozenset[str] = frozenset(
    {
        "kerja", "baik", "data", "hasil", "waktu", "orang", "kegiatan", "tugas", "program",
        "proses", "laksana", "ada", "buat", "bisa", "bantu", "nilai", "sama", "kantor",
        "organisasi", "pemerintah", "daerah", "bidang", "unit", "masyarakat", "informasi",
        "persen", "contoh", "jalan", "pindah", "kelompok", "jarak", "situasi",
    }
)
# fmt: on
