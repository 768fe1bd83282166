"""Sulawesi Tengah's demo data: users ``sulteng.*``, pagu per OPD and year, activities brought
to every state of its workflow (the legal review included) by those users, and yearly progress
reports on the signed ones, one at Bappeda's evaluation (the province's extra report stage)."""

from __future__ import annotations

from core.plugin import DemoActivity, DemoData, DemoReport, DemoUser, p3aks_details

MAIL = "sultengprov.test"

USERS = (
    DemoUser(
        "sulteng.dp3a.staf",
        "Nurhayati Lamasitudju",
        "opd_staff",
        "dp3a",
        f"dp3a.staf@{MAIL}",
        "19910305 201503 2 002",
    ),
    DemoUser(
        "sulteng.dp3a.kepala",
        "Dr. Sofyan Farid Lembah, M.Si.",
        "opd_head",
        "dp3a",
        f"dp3a.kepala@{MAIL}",
        "19700817 199503 1 004",
    ),
    DemoUser(
        "sulteng.dinsos.staf",
        "Moh. Rizal Tombolotutu",
        "opd_staff",
        "dinsos",
        f"dinsos.staf@{MAIL}",
    ),
    DemoUser(
        "sulteng.dinsos.kepala",
        "Dra. Hasnah Towadjo, M.M.",
        "opd_head",
        "dinsos",
        f"dinsos.kepala@{MAIL}",
    ),
    DemoUser(
        "sulteng.bappeda",
        "Irwan Lapatta, S.E., M.Si.",
        "bappeda",
        "bappeda",
        f"bappeda.verifikator@{MAIL}",
    ),
    # The Pokja P3AKS: two of the three concur (a quorum gate).
    DemoUser("sulteng.pokja1", "Ir. Christina Shandra Tobondo", "pokja", None, f"pokja1@{MAIL}"),
    DemoUser("sulteng.pokja2", "Drs. Arief Latjuba, M.Si.", "pokja", None, f"pokja2@{MAIL}"),
    DemoUser("sulteng.pokja3", "Nur Azizah Lamakarate, S.Sos.", "pokja", None, f"pokja3@{MAIL}"),
    DemoUser(
        "sulteng.birohukum",
        "Andi Mulyadi Rauf, S.H., M.H.",
        "biro_hukum",
        "biro_hukum",
        f"biro.hukum@{MAIL}",
    ),
    DemoUser("sulteng.gubernur", "Gubernur Sulawesi Tengah", "governor", None, f"gubernur@{MAIL}"),
    DemoUser("sulteng.admin", "Admin Provinsi Sulawesi Tengah", "admin", None, f"admin@{MAIL}"),
    DemoUser(
        "sulteng.auditor", "Inspektorat Provinsi Sulawesi Tengah", "viewer", None, f"auditor@{MAIL}"
    ),
)

_YEARS = (2025, 2026, 2027, 2028, 2029)
CEILINGS: dict[str, dict[int, int]] = {
    opd: dict.fromkeys(_YEARS, amount)
    for opd, amount in {
        "dp3a": 2_000_000_000,
        "dinsos": 1_500_000_000,
        "kesbangpol": 800_000_000,
        "bappeda": 300_000_000,
        "biro_hukum": 250_000_000,
        "dikbud": 700_000_000,
        "dinkes": 600_000_000,
        "diskominfo": 350_000_000,
        "dpmd": 450_000_000,
        "satpolpp": 300_000_000,
        "bpbd": 500_000_000,
    }.items()
}

TO_LEGAL = ("submit", "approve", "setujui_pokja", "confirm_budget")
SIGNED = (*TO_LEGAL, "clear_legal", "sign")
# The report workflow: Kepala OPD, then Bappeda's evaluation, then the Pokja secretariat.
AT_BAPPEDA = ("submit", "approve")
AT_POKJA = (*AT_BAPPEDA, "evaluate")
ACCEPTED = (*AT_POKJA, "verify")

ACTIVITIES = (
    DemoActivity(
        "dp3a",
        "Pelatihan fasilitator perempuan perdamaian di Kabupaten Poso",
        "pencegahan",
        ((2025, "40 orang", 180_000_000),),
        p3aks_details(
            ["poso"],
            "Jumlah fasilitator perempuan terlatih",
            "2.08.03.1.01.0001",
            "perempuan",
            ["komunal"],
        ),
        description="Pelatihan lima hari bagi tokoh perempuan lintas agama di Poso Pesisir.",
    ),
    DemoActivity(
        "dp3a",
        "Pendampingan psikososial anak di wilayah rawan konflik Sigi dan Poso",
        "penanganan",
        ((2025, "150 anak", 240_000_000), (2026, "150 anak", 250_000_000)),
        p3aks_details(
            ["sigi", "poso"],
            "Jumlah anak yang didampingi",
            "2.08.07.1.01.0002",
            "anak",
            ["terorisme"],
            ["dinsos"],
        ),
        path=("submit",),
    ),
    DemoActivity(
        "dinsos",
        "Ruang ramah perempuan dan anak di hunian sementara Kota Palu",
        "penanganan",
        ((2025, "5 lokasi", 320_000_000),),
        p3aks_details(
            ["palu", "donggala"], "Jumlah ruang ramah perempuan dan anak", "1.06.05.1.01.0003"
        ),
        path=("submit", "approve", "setujui_pokja"),
    ),
    DemoActivity(
        "dinsos",
        "Layanan konseling keluarga bagi penyintas konflik di Kabupaten Sigi",
        "penanganan",
        ((2025, "80 keluarga", 160_000_000),),
        p3aks_details(["sigi"], "Jumlah keluarga yang mendapat konseling", "1.06.05.1.01.0004"),
        # Waits for two of the three Pokja reviewers.
        path=("submit", "approve"),
    ),
    DemoActivity(
        "dp3a",
        "Penguatan ekonomi perempuan penyintas konflik agraria di Morowali",
        "pemberdayaan",
        ((2026, "100 orang", 210_000_000),),
        p3aks_details(
            ["morowali", "morowali_utara"],
            "Jumlah perempuan penerima modal usaha",
            "2.08.02.1.01.0004",
            "perempuan",
            ["agraria"],
            ["dpmd"],
        ),
        path=TO_LEGAL,
    ),
    DemoActivity(
        "dinsos",
        "Forum anak pelopor perdamaian di sekolah Kabupaten Tojo Una-Una",
        "partisipasi",
        ((2025, "12 forum", 95_000_000),),
        p3aks_details(["tojo_una_una"], "Jumlah forum anak aktif", "2.08.06.1.02.0001", "anak"),
        path=(*TO_LEGAL, "clear_legal"),
    ),
    DemoActivity(
        "dp3a",
        "Penyusunan data terpilah perempuan dan anak korban konflik sosial",
        "pencegahan",
        ((2025, "13 kabupaten/kota", 130_000_000),),
        p3aks_details(
            ["palu"], "Tersedianya data terpilah", "2.08.05.1.01.0001", partners=["diskominfo"]
        ),
        path=SIGNED,
        reports=(
            DemoReport(
                2025,
                "T",
                {
                    "output_target": 13,
                    "output_realised": 11,
                    "output_unit": "kabupaten/kota",
                    "budget_realised": 118_500_000,
                    "obstacles": "Data Kabupaten Banggai Laut dan Morowali Utara belum terpilah.",
                    "follow_up": "Pendampingan operator data kedua kabupaten pada triwulan I.",
                },
                ACCEPTED,
            ),
        ),
    ),
    DemoActivity(
        "dinsos",
        "Bantuan alat tulis bagi anak pengungsi",
        "penanganan",
        ((2027, "500 paket", 80_000_000),),
        p3aks_details(["banggai"], "Jumlah paket", "1.06.05.1.02.0001", "anak"),
        path=("submit", "return"),
    ),
    DemoActivity(
        "dinsos",
        "Pembangunan gedung serbaguna kecamatan",
        "partisipasi",
        ((2026, "1 gedung", 900_000_000),),
        p3aks_details(["buol"], "Jumlah gedung", "1.06.05.1.02.0002"),
        path=("submit", "approve", "setujui_pokja", "reject"),
    ),
    DemoActivity(
        "dp3a",
        "Pemulihan ekonomi perempuan penyintas konflik di Kabupaten Poso",
        "pemberdayaan",
        ((2025, "80 orang", 200_000_000), (2026, "80 orang", 210_000_000)),
        p3aks_details(
            ["poso"],
            "Jumlah perempuan penyintas penerima bantuan usaha",
            "2.08.02.1.01.0005",
            "perempuan",
            ["komunal"],
        ),
        path=SIGNED,
        reports=(
            DemoReport(
                2025,
                "T",
                {
                    "output_target": 80,
                    "output_realised": 72,
                    "output_unit": "orang",
                    "budget_realised": 176_000_000,
                    "obstacles": "Delapan penerima pindah ke Kota Palu.",
                    "follow_up": "Penerima pengganti diusulkan desa.",
                },
                AT_POKJA,
            ),
            DemoReport(
                2026,
                "T",
                {
                    "output_target": 80,
                    "output_realised": 64,
                    "output_unit": "orang",
                    "budget_realised": 150_000_000,
                },
                AT_BAPPEDA,
            ),
        ),
    ),
)

DEMO = DemoData(
    users=USERS,
    ceilings=CEILINGS,
    activities=ACTIVITIES,
    decree_number="Peraturan Gubernur Sulawesi Tengah Nomor 21 Tahun 2025",
)
