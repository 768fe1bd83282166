"""Lampung's reference lists (codes are stable; labels are what users read). Sources in
shared/domain/DOMAIN.md."""

from __future__ import annotations

from core.plugin import Code

OPDS = (
    Code("dpppa", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"),
    Code("dinsos", "Dinas Sosial"),
    Code("kesbangpol", "Badan Kesatuan Bangsa dan Politik"),
    Code("bappeda", "Badan Perencanaan Pembangunan Daerah"),
    Code("disdikbud", "Dinas Pendidikan dan Kebudayaan"),
    Code("dinkes", "Dinas Kesehatan"),
    Code("diskominfotik", "Dinas Komunikasi, Informatika dan Statistik"),
    Code("satpolpp", "Satuan Polisi Pamong Praja"),
    Code("biro_hukum", "Biro Hukum Sekretariat Daerah"),
    Code("bpbd", "Badan Penanggulangan Bencana Daerah"),
)

# The OPDs' SIPD unit codes (kode unit SKPD: urusan.bidang, two more urusan.bidang pairs for a
# merged dinas, unit, sub-unit), for the SIPD-keyed export. Illustrative demo values in the
# Permendagri 90/2019 pattern, not the province's registered codes: the admin corrects
# them on the OPD page, and a re-seed never overwrites what the admin set.
SIPD_UNITS = (
    Code("dpppa", "2.08.2.14.0.00.01.0000"),
    Code("dinsos", "1.06.0.00.0.00.01.0000"),
    Code("kesbangpol", "8.01.0.00.0.00.01.0000"),
    Code("bappeda", "5.01.5.05.0.00.01.0000"),
    Code("disdikbud", "1.01.2.22.0.00.01.0000"),
    Code("dinkes", "1.02.0.00.0.00.01.0000"),
    Code("diskominfotik", "2.16.2.20.2.21.01.0000"),
    Code("satpolpp", "1.05.0.00.0.00.01.0000"),
    Code("biro_hukum", "4.01.0.00.0.00.01.0003"),
    Code("bpbd", "1.05.0.00.0.00.02.0000"),
)

PILLARS = (
    Code("pencegahan", "Pencegahan"),
    Code("penanganan", "Penanganan"),
    Code("pemberdayaan_partisipasi", "Pemberdayaan dan Partisipasi"),
)

LOCATIONS = (
    Code("bandar_lampung", "Kota Bandar Lampung"),
    Code("metro", "Kota Metro"),
    Code("lampung_selatan", "Kabupaten Lampung Selatan"),
    Code("lampung_tengah", "Kabupaten Lampung Tengah"),
    Code("lampung_utara", "Kabupaten Lampung Utara"),
    Code("lampung_barat", "Kabupaten Lampung Barat"),
    Code("lampung_timur", "Kabupaten Lampung Timur"),
    Code("tanggamus", "Kabupaten Tanggamus"),
    Code("tulang_bawang", "Kabupaten Tulang Bawang"),
    Code("tulang_bawang_barat", "Kabupaten Tulang Bawang Barat"),
    Code("way_kanan", "Kabupaten Way Kanan"),
    Code("pesawaran", "Kabupaten Pesawaran"),
    Code("pringsewu", "Kabupaten Pringsewu"),
    Code("mesuji", "Kabupaten Mesuji"),
    Code("pesisir_barat", "Kabupaten Pesisir Barat"),
)

FUNDING_SOURCES = (
    Code("apbd", "APBD Provinsi"),
    Code("apbn", "APBN"),
    Code("dak_nonfisik_ppa", "DAK Nonfisik PPA"),
    Code("hibah", "Hibah"),
    Code("lainnya", "Sumber lain yang sah"),
)

TARGET_GROUPS = (
    Code("perempuan", "Perempuan"),
    Code("anak", "Anak"),
    Code("perempuan_dan_anak", "Perempuan dan Anak"),
)

CONFLICT_TYPES = (
    Code("lahan", "Konflik lahan"),
    Code("intoleransi", "Intoleransi / radikalisme"),
    Code("etnis", "Konflik antaretnis"),
    Code("lainnya", "Lainnya"),
)

# Conflict types that need Badan Kesbangpol's review before Bappeda (DOMAIN.md rule 6).
KESBANGPOL_CONFLICTS = frozenset({"lahan", "intoleransi"})
