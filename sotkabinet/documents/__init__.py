"""Documents: file validation (pure), the streaming upload handler, PDF and QR rendering.

- ``validation``: ``validate_file`` decides a file's format from its content and checks it against
  R-DOC-1, R-DOC-3, R-DOC-4 and R-DOC-5 (policy: README "Documents we accept"); a damaged PDF is
  repaired and the repaired copy checked (``repaired_path``, ``result.repaired``); ``PdfBudget``
  bounds a PDF's check. No Django inside.
- ``issues``: the API error codes, ``Issue``, ``ValidationResult`` and ``MESSAGES`` (kk/ru/en).
- ``formats/``: one checker per container (PDF, OOXML zip, OLE2, JPEG), each with its threat model.
- ``filenames``: ``sanitize_filename`` / ``filename_issue`` (``name_invalid``).
- ``upload``: ``LimitedHashingUploadHandler``, ``install_upload_handler``, ``store_blob``,
  ``open_blob``.
- ``pdf`` / ``qr``: printable copies (talon, act copies, archive paper copy).
- ``samples``: real test files built in code, for tests across the project; ``samples.producers``
  and the real-producer builders make them as Word, Excel, LibreOffice and Acrobat do.
"""
