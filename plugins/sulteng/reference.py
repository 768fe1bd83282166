"""Sulawesi Tengah's reference lists (codes are stable; labels are what users read). Sources in
shared/domain/DOMAIN.md; the OPD list follows the provincial nomenclature [I]."""

from __future__ import annotations

from core.plugin import Code

OPDS = (
    Code("dp3a", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"),
    Code("dinsos", "Dinas Sosial"),
    Code("kesbangpol", "Badan Kesatuan Bangsa dan Politik"),
    Code("bappeda", "Badan Perencanaan Pembangunan Daerah"),
    Code("biro_hukum", "Biro Hukum Sekretariat Daerah"),
    Code("dikbud", "Dinas Pendidikan dan Kebudayaan"),
    Code("dinkes", "Dinas Kesehatan"),
    Code("diskominfo", "Dinas Komunikasi, Informatika, Persandian dan Statistik"),
    Code("dpmd", "Dinas Pemberdayaan Masyarakat dan Desa"),
    Code("satpolpp", "Satuan Polisi Pamong Praja"),
    Code("bpbd", "Badan Penanggulangan Bencana Daerah"),
)

# The OPDs' SIPD unit codes (kode unit SKPD), for the SIPD-keyed export: illustrative demo
# values in the Permendagri 90/2019 pattern; the admin corrects them on the OPD page.
SIPD_UNITS = (
    Code("dp3a", "2.08.2.14.0.00.01.0000"),
    Code("dinsos", "1.06.0.00.0.00.01.0000"),
    Code("kesbangpol", "8.01.0.00.0.00.01.0000"),
    Code("bappeda", "5.01.5.05.0.00.01.0000"),
    Code("biro_hukum", "4.01.0.00.0.00.01.0003"),
    Code("dikbud", "1.01.2.22.0.00.01.0000"),
    Code("dinkes", "1.02.0.00.0.00.01.0000"),
    Code("diskominfo", "2.16.2.20.2.21.01.0000"),
    Code("dpmd", "2.13.0.00.0.00.01.0000"),
    Code("satpolpp", "1.05.0.00.0.00.01.0000"),
    Code("bpbd", "1.05.0.00.0.00.02.0000"),
)

# The journal reading of Perpres 18/2014: four pillars, participation on its own.
PILLARS = (
    Code("pencegahan", "Pencegahan"),
    Code("penanganan", "Penanganan"),
    Code("pemberdayaan", "Pemberdayaan"),
    Code("partisipasi", "Partisipasi"),
)

LOCATIONS = (
    Code("palu", "Kota Palu"),
    Code("banggai", "Kabupaten Banggai"),
    Code("banggai_kepulauan", "Kabupaten Banggai Kepulauan"),
    Code("banggai_laut", "Kabupaten Banggai Laut"),
    Code("buol", "Kabupaten Buol"),
    Code("donggala", "Kabupaten Donggala"),
    Code("morowali", "Kabupaten Morowali"),
    Code("morowali_utara", "Kabupaten Morowali Utara"),
    Code("parigi_moutong", "Kabupaten Parigi Moutong"),
    Code("poso", "Kabupaten Poso"),
    Code("sigi", "Kabupaten Sigi"),
    Code("tojo_una_una", "Kabupaten Tojo Una-Una"),
    Code("tolitoli", "Kabupaten Tolitoli"),
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

# Communal conflict (Poso), terrorism and land/mining disputes (Morowali) are the province's
# recurring kinds [I].
CONFLICT_TYPES = (
    Code("komunal", "Konflik komunal"),
    Code("terorisme", "Radikalisme dan terorisme"),
    Code("agraria", "Konflik agraria dan pertambangan"),
    Code("lainnya", "Lainnya"),
)
