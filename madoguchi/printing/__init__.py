"""The bundle of a visit: every form pre-filled from the case file and one signature sheet, as one A4 PDF.

Plain Python (no Django): `casefile.read_case`, then `render.render_bundle`. `spreadsheets` writes the
cells of every CSV and XLSX file the product makes.
"""
