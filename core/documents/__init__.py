"""Documents in and out of a plan: the matrix workbook (``matrix_export``), its empty template
(``template``) and the import of a filled one (``upload`` checks the file, ``matrix_import``
turns rows into drafts with the API's rules); the decree lampiran (PDF), the spelled-out
amounts (terbilang). No Flask: the API and the pages call these."""
