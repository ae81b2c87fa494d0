//! Export of matching entries for people who work in spreadsheets (CSV) and for programs (NDJSON),
//! shared by `edusearch export` and `GET /api/search?…&format=csv|ndjson`.
//!
//! CSV: UTF-8 with a byte-order mark (so spreadsheet software reads Cyrillic correctly), `;` as the
//! separator (the list separator of Russian-locale spreadsheets), fields quoted where needed
//! (RFC 4180), one header row with the column names of [`COLUMNS`]. Lists (addressees, roles,
//! responsible persons) are joined with `"; "`. A cell starting with `=`, `+`, `-`, `@`, tab or
//! carriage return gets a leading `'`, so that spreadsheet software shows it as text rather than
//! running it as a formula.
//!
//! NDJSON: one entry per line, exactly as `edusearch parse --json` prints it.

use crate::error::{Error, Result};
use crate::model::Entry;

/// Most rows of an export through the API.
pub const MAX_API_ROWS: usize = 10_000;

/// Most rows of an export on the command line.
pub const MAX_CLI_ROWS: usize = 1_000_000;

/// Entries loaded and written at a time.
pub const BATCH: usize = 256;

/// The CSV separator.
pub const CSV_SEPARATOR: u8 = b';';

/// The UTF-8 byte-order mark that starts a CSV export.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Columns of the CSV export, in order.
pub const COLUMNS: [&str; 20] = [
    "id",
    "doc_id",
    "doc_title",
    "kind",
    "level",
    "region",
    "municipality",
    "date",
    "year",
    "section",
    "topic",
    "entry_type",
    "number",
    "addressees",
    "roles",
    "deadline",
    "deadline_text",
    "responsible",
    "context",
    "text",
];

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values (separator `;`, UTF-8 with BOM).
    Csv,
    /// Newline-delimited JSON: one entry per line.
    Ndjson,
}

impl Format {
    /// Parses `csv` or `ndjson`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "csv" => Ok(Format::Csv),
            "ndjson" => Ok(Format::Ndjson),
            _ => Err(Error::invalid(
                format!("format: unknown value '{s}'; accepted: json, csv, ndjson"),
                format!("format: неизвестное значение «{s}»; допустимые: «json», «csv», «ndjson»"),
            )),
        }
    }

    /// The media type of the export.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Ndjson => "application/x-ndjson",
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Ndjson => "ndjson",
        }
    }

    /// What an export starts with: the BOM and header row for CSV, nothing for NDJSON.
    pub fn header(self) -> Result<Vec<u8>> {
        match self {
            Format::Csv => {
                let mut out = BOM.to_vec();
                out.extend(csv_line(COLUMNS.iter().map(|c| (*c).to_owned()))?);
                Ok(out)
            }
            Format::Ndjson => Ok(Vec::new()),
        }
    }

    /// The rows of `entries`.
    pub fn rows(self, entries: &[Entry]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        for e in entries {
            match self {
                Format::Csv => out.extend(csv_line(csv_cells(e))?),
                Format::Ndjson => {
                    serde_json::to_writer(&mut out, e).map_err(|e| Error::Index(e.to_string()))?;
                    out.push(b'\n');
                }
            }
        }
        Ok(out)
    }
}

/// One CSV line (with its line end).
fn csv_line(cells: impl IntoIterator<Item = String>) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(CSV_SEPARATOR)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(cells.into_iter().map(|c| neutralise(&c)))
        .map_err(|e| Error::Index(format!("cannot write CSV: {e}")))?;
    w.into_inner()
        .map_err(|e| Error::Index(format!("cannot write CSV: {e}")))
}

/// A cell as text a spreadsheet will not evaluate.
fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// The cells of an entry, in [`COLUMNS`] order.
fn csv_cells(e: &Entry) -> Vec<String> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let addressees: Vec<&str> = e.addressees.iter().map(|a| a.canonical.as_str()).collect();
    let mut roles: Vec<&str> = e.addressees.iter().map(|a| a.role.as_str()).collect();
    roles.dedup();
    vec![
        e.id.clone(),
        e.doc_id.clone(),
        e.doc_title.clone(),
        serde_name(&e.kind),
        serde_name(&e.level),
        opt(&e.region),
        opt(&e.municipality),
        e.date.map(|d| d.to_string()).unwrap_or_default(),
        e.year.map(|y| y.to_string()).unwrap_or_default(),
        opt(&e.section),
        opt(&e.topic),
        serde_name(&e.entry_type),
        opt(&e.number),
        addressees.join("; "),
        roles.join("; "),
        e.deadline.map(|d| d.to_string()).unwrap_or_default(),
        opt(&e.deadline_text),
        e.responsible.join("; "),
        opt(&e.context),
        e.text.clone(),
    ]
}

/// The serialised (`snake_case`) name of an enum value.
fn serde_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_shown_as_text() {
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("обеспечить"), "обеспечить");
    }

    #[test]
    fn csv_starts_with_a_bom_and_the_header() {
        let h = Format::Csv.header().unwrap();
        assert!(h.starts_with(BOM));
        let line = String::from_utf8(h[BOM.len()..].to_vec()).unwrap();
        assert_eq!(line, format!("{}\r\n", COLUMNS.join(";")));
        assert!(Format::Ndjson.header().unwrap().is_empty());
        assert!(Format::parse("xml").is_err());
    }
}
