"""Spreadsheet import and export of initiatives, dependencies, deliveries and status reports."""
