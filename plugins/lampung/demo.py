"""Lampung's demo data: the demo users the README lists, pagu per OPD and year, activities
brought to every state of the workflow by those users (one waits for two partner OPDs' heads),
and semester progress reports on the two signed ones in every state of the report workflow
(two OPDs, two pillars, both semesters), so monitoring shows realisation from the start."""

from __future__ import annotations

from core.plugin import DemoActivity, DemoData, DemoReport, DemoUser, p3aks_details

USERS = (
    DemoUser(
        "dpppa.staf",
        "Rina Marlina",
        "opd_staff",
        "dpppa",
        "dpppa.staf@lampungprov.test",
        "19900412 201503 2 004",
    ),
    DemoUser(
        "dpppa.kepala",
        "Dra. Fitrianita Damhuri, M.Si.",
        "opd_head",
        "dpppa",
        "dpppa.kepala@lampungprov.test",
        "19680722 199303 2 003",
    ),
    DemoUser("dinsos.staf", "Agus Setiawan", "opd_staff", "dinsos", "dinsos.staf@lampungprov.test"),
    DemoUser(
        "dinsos.kepala",
        "Drs. Aswarodi, M.Si.",
        "opd_head",
        "dinsos",
        "dinsos.kepala@lampungprov.test",
    ),
    # The heads of the partner OPDs the demo activities name (Persetujuan OPD mitra).
    DemoUser(
        "kesbangpol.kepala",
        "Drs. Shiffa Karomah, M.M.",
        "opd_head",
        "kesbangpol",
        "kesbangpol.kepala@lampungprov.test",
    ),
    DemoUser(
        "dinkes.kepala",
        "dr. Reihana, M.Kes.",
        "opd_head",
        "dinkes",
        "dinkes.kepala@lampungprov.test",
    ),
    DemoUser(
        "disdikbud.kepala",
        "Drs. Thomas Americo, M.M.",
        "opd_head",
        "disdikbud",
        "disdikbud.kepala@lampungprov.test",
    ),
    DemoUser(
        "bpbd.kepala",
        "Rudy Syawal Sugiarto, S.T.",
        "opd_head",
        "bpbd",
        "bpbd.kepala@lampungprov.test",
    ),
    DemoUser(
        "diskominfotik.kepala",
        "Ir. Ganjar Jationo, M.T.",
        "opd_head",
        "diskominfotik",
        "diskominfotik.kepala@lampungprov.test",
    ),
    DemoUser(
        "kesbangpol.reviu",
        "Hendra Gunawan, S.Sos.",
        "kesbangpol",
        "kesbangpol",
        "kesbangpol.reviu@lampungprov.test",
    ),
    DemoUser(
        "bappeda.verifikator",
        "Yuliana Sari, S.E., M.M.",
        "bappeda",
        "bappeda",
        "bappeda.verifikator@lampungprov.test",
    ),
    DemoUser("gubernur", "Gubernur Lampung", "governor", None, "gubernur@lampungprov.test"),
    DemoUser("admin.lampung", "Admin Provinsi Lampung", "admin", None, "admin@lampungprov.test"),
    DemoUser("auditor", "Inspektorat Provinsi Lampung", "viewer", None, "auditor@lampungprov.test"),
    # The Pokja P3AKS secretariat (at DPPPA) verifies the OPDs' progress reports (issue 14).
    DemoUser(
        "pokja.lampung",
        "Sekretariat Pokja P3AKS Provinsi Lampung",
        "pokja",
        None,
        "pokja@lampungprov.test",
    ),
)

_YEARS = (2022, 2023, 2024)
CEILINGS: dict[str, dict[int, int]] = {
    opd: dict.fromkeys(_YEARS, amount)
    for opd, amount in {
        "dpppa": 2_500_000_000,
        "dinsos": 1_800_000_000,
        "kesbangpol": 900_000_000,
        "bappeda": 300_000_000,
        "disdikbud": 750_000_000,
        "dinkes": 600_000_000,
        "diskominfotik": 400_000_000,
        "satpolpp": 350_000_000,
        "biro_hukum": 250_000_000,
        "bpbd": 500_000_000,
    }.items()
}

TO_SIGNOFF = ("submit", "approve", "confirm_budget")

# The report workflow's paths (core.workflow.report_route): filed as a draft by the OPD's
# operator, approved by its Kepala OPD, verified by the Pokja P3AKS secretariat.
SUBMITTED = ("submit",)
AT_POKJA = ("submit", "approve")
ACCEPTED = ("submit", "approve", "verify")
RETURNED_BY_POKJA = ("submit", "approve", "return")


def realised(
    target: float, done: float, unit: str, spent: int, obstacles: str = "", follow_up: str = ""
) -> dict[str, object]:
    """A report's fields: the output realised against the year's target, Rupiah spent so far."""
    return {
        "output_target": target,
        "output_realised": done,
        "output_unit": unit,
        "budget_realised": spent,
        "obstacles": obstacles,
        "follow_up": follow_up,
    }


ACTIVITIES = (
    DemoActivity(
        "dpppa",
        "Pelatihan mediasi konflik bagi perempuan di Kabupaten Mesuji",
        "pencegahan",
        ((2023, "60 orang", 150_000_000),),
        p3aks_details(
            ["mesuji"],
            "Jumlah perempuan terlatih mediasi",
            "2.08.03.1.01.0001",
            "perempuan",
            ["lahan"],
            ["kesbangpol"],
        ),
        path=(),
        description="Pelatihan tiga hari bagi tokoh perempuan desa di sekitar Register 45.",
    ),
    DemoActivity(
        "dpppa",
        "Layanan pendampingan psikososial anak korban konflik sosial",
        "penanganan",
        ((2023, "120 anak", 220_000_000), (2024, "150 anak", 240_000_000)),
        p3aks_details(
            ["lampung_selatan", "mesuji"],
            "Jumlah anak korban yang didampingi",
            "2.08.07.1.01.0002",
            "anak",
            ["etnis"],
            ["dinsos", "dinkes"],
        ),
        # Waits for the heads of Dinas Sosial and Dinas Kesehatan (Persetujuan OPD mitra).
        path=("submit", "approve"),
    ),
    DemoActivity(
        "dpppa",
        "Sosialisasi pencegahan intoleransi di sekolah bagi anak dan remaja",
        "pencegahan",
        ((2023, "40 sekolah", 175_000_000),),
        p3aks_details(
            ["bandar_lampung", "metro"],
            "Jumlah sekolah yang tersosialisasi",
            "2.08.06.1.02.0001",
            "anak",
            ["intoleransi"],
            ["disdikbud", "kesbangpol"],
        ),
        path=("submit", "approve", "setujui_mitra"),
    ),
    DemoActivity(
        "dinsos",
        "Penyediaan ruang ramah perempuan dan anak di lokasi pengungsian",
        "penanganan",
        ((2022, "4 lokasi", 310_000_000), (2023, "6 lokasi", 420_000_000)),
        p3aks_details(
            ["lampung_selatan", "lampung_tengah"],
            "Jumlah ruang ramah perempuan dan anak",
            "1.06.05.1.01.0003",
            partners=["bpbd", "dpppa"],
        ),
        path=("submit", "approve", "setujui_mitra"),
    ),
    DemoActivity(
        "dpppa",
        "Pembentukan forum perempuan pelopor perdamaian desa",
        "pemberdayaan_partisipasi",
        ((2022, "15 forum", 90_000_000), (2023, "15 forum", 95_000_000)),
        p3aks_details(
            ["pesawaran", "pringsewu", "tanggamus"],
            "Jumlah forum yang terbentuk",
            "2.08.02.1.01.0004",
            "perempuan",
        ),
        path=TO_SIGNOFF,
    ),
    DemoActivity(
        "dinsos",
        "Bantuan pemulihan ekonomi bagi perempuan kepala keluarga korban konflik",
        "pemberdayaan_partisipasi",
        ((2022, "200 KK", 500_000_000),),
        p3aks_details(
            ["mesuji", "tulang_bawang"],
            "Jumlah perempuan kepala keluarga penerima",
            "1.06.04.1.02.0001",
            "perempuan",
            ["lahan"],
        ),
        path=("submit", "approve", "endorse", "confirm_budget", "sign"),
        reports=(
            DemoReport(
                2022,
                "S1",
                realised(
                    200,
                    120,
                    "KK",
                    280_000_000,
                    "Pendataan penerima di Tulang Bawang tertunda karena banjir.",
                    "Penyaluran tahap II dijadwalkan Agustus bersama pendamping desa.",
                ),
                ACCEPTED,
            ),
            DemoReport(
                2022,
                "S2",
                realised(
                    200,
                    185,
                    "KK",
                    470_000_000,
                    "15 KK pindah domisili sebelum penyaluran.",
                    "Sisa bantuan dialihkan ke KK cadangan hasil verifikasi.",
                ),
                RETURNED_BY_POKJA,
            ),
        ),
    ),
    DemoActivity(
        "dpppa",
        "Penyusunan data terpilah perempuan dan anak di wilayah rawan konflik",
        "pencegahan",
        ((2024, "15 kabupaten/kota", 125_000_000),),
        p3aks_details(
            ["bandar_lampung"],
            "Tersedianya data terpilah",
            "2.08.05.1.01.0001",
            partners=["diskominfotik"],
        ),
        path=("submit", "return"),
    ),
    DemoActivity(
        "dinsos",
        "Pengadaan kendaraan operasional untuk pendataan korban",
        "penanganan",
        ((2023, "2 unit", 600_000_000),),
        p3aks_details(["way_kanan"], "Jumlah kendaraan", "1.06.05.1.02.0001"),
        path=("submit", "approve", "reject"),
    ),
    DemoActivity(
        "dinsos",
        "Rumah aman sementara bagi perempuan dan anak korban kekerasan berbasis konflik",
        "penanganan",
        ((2024, "1 rumah aman", 275_000_000),),
        p3aks_details(["lampung_timur"], "Jumlah rumah aman yang beroperasi", "1.06.05.1.01.0007"),
        path=(),
    ),
    DemoActivity(
        "dpppa",
        "Pelatihan konselor sebaya bagi remaja perempuan di daerah rawan konflik",
        "pencegahan",
        ((2022, "60 orang", 140_000_000), (2023, "60 orang", 150_000_000)),
        p3aks_details(
            ["mesuji", "way_kanan"],
            "Jumlah konselor sebaya terlatih",
            "2.08.03.1.01.0002",
            "perempuan",
            ["etnis"],
        ),
        path=(*TO_SIGNOFF, "sign"),
        description="Pelatihan dua angkatan, 30 remaja putri per angkatan.",
        reports=(
            DemoReport(
                2022,
                "S1",
                realised(
                    60,
                    45,
                    "orang",
                    95_000_000,
                    "15 peserta dari Way Kanan berhalangan karena musim panen.",
                    "Angkatan susulan pada Semester II.",
                ),
                ACCEPTED,
            ),
            DemoReport(
                2022,
                "S2",
                realised(60, 60, "orang", 132_000_000, follow_up="Pendampingan pascapelatihan."),
                AT_POKJA,
            ),
            DemoReport(
                2023,
                "S1",
                realised(
                    60,
                    30,
                    "orang",
                    70_000_000,
                    "Angkatan kedua menunggu jadwal narasumber.",
                ),
                SUBMITTED,
            ),
            DemoReport(
                2023,
                "S2",
                {"output_target": 60, "output_unit": "orang", "obstacles": "Masih dihimpun."},
            ),  # a draft the operator is still writing
        ),
    ),
)

DEMO = DemoData(
    users=USERS,
    ceilings=CEILINGS,
    activities=ACTIVITIES,
    decree_number="G/412/V.09/HK/2022",
)
