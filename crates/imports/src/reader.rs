//! Reading an uploaded file row by row, never the whole sheet at once: CSV through the `csv`
//! crate's record reader, .xlsx through calamine's streaming cell reader
//! (`worksheet_cells_reader`) over the first worksheet. The real type is sniffed from the
//! bytes, not from the name or the client's `Content-Type`.

use std::{
    io::{BufReader, Read, Seek},
    ops::ControlFlow,
};

use calamine::{DataRef, Reader, Xlsx};

/// A file format the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// UTF-8 comma-separated values.
    Csv,
    /// Office Open XML workbook.
    Xlsx,
}

impl Format {
    /// The name stored on the import (`csv`, `xlsx`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }
}

/// Why a file cannot be read (its message is shown to the uploader).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReadError(pub String);

/// The file's real format from its first bytes: a ZIP container is taken for .xlsx, UTF-8
/// text without NUL bytes for CSV; anything else (legacy .xls, PDF, images) is refused.
pub fn sniff(head: &[u8]) -> Result<Format, ReadError> {
    if head.starts_with(b"PK\x03\x04") {
        return Ok(Format::Xlsx);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ReadError(
            "legacy .xls workbooks are not read: save the sheet as .xlsx or .csv".into(),
        ));
    }
    let sample = &head[..head.len().min(8192)];
    let text = match std::str::from_utf8(sample) {
        Ok(t) => t,
        // a multi-byte character cut by the sample's end is still text
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&sample[..e.valid_up_to()])
            .map_err(|_| ReadError("the file is neither .xlsx nor UTF-8 CSV".into()))?,
        Err(_) => return Err(ReadError("the file is neither .xlsx nor UTF-8 CSV".into())),
    };
    if text.contains('\0') || text.trim().is_empty() {
        return Err(ReadError("the file is neither .xlsx nor UTF-8 CSV".into()));
    }
    Ok(Format::Csv)
}

/// Calls `f(row_number, cells)` for every non-empty row of `source` in order (the header
/// included; row numbers as a spreadsheet shows them, from 1) until it breaks. `source` is
/// the uploaded bytes (`Cursor`) or the job's local copy of the stored file.
pub fn for_each_row<R: Read + Seek>(
    source: R,
    format: Format,
    f: impl FnMut(u64, Vec<String>) -> ControlFlow<()>,
) -> Result<(), ReadError> {
    match format {
        Format::Csv => csv_rows(source, f),
        Format::Xlsx => xlsx_rows(BufReader::new(source), f),
    }
}

fn csv_rows(
    source: impl Read,
    mut f: impl FnMut(u64, Vec<String>) -> ControlFlow<()>,
) -> Result<(), ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(source);
    let mut record = csv::StringRecord::new();
    let mut number = 0u64;
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| ReadError(format!("row {}: {e}", number + 1)))?;
        if !more {
            return Ok(());
        }
        number += 1;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if f(number, record.iter().map(str::to_owned).collect()).is_break() {
            return Ok(());
        }
    }
}

fn xlsx_rows<R: Read + Seek>(
    source: R,
    mut f: impl FnMut(u64, Vec<String>) -> ControlFlow<()>,
) -> Result<(), ReadError> {
    let bad = |e: calamine::XlsxError| ReadError(format!("the workbook cannot be read: {e}"));
    let mut workbook: Xlsx<R> = Xlsx::new(source).map_err(bad)?;
    let sheet = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| ReadError("the workbook has no sheet".into()))?;
    let mut cells = workbook.worksheet_cells_reader(&sheet).map_err(bad)?;
    let mut current: Option<(u32, Vec<String>)> = None;
    while let Some(cell) = cells.next_cell().map_err(bad)? {
        let (row, col) = cell.get_position();
        let text = cell_text(cell.get_value());
        if current.as_ref().is_some_and(|(r, _)| *r != row)
            && let Some((r, values)) = current.take()
            && emit(&mut f, r, values).is_break()
        {
            return Ok(());
        }
        let (_, values) = current.get_or_insert_with(|| (row, Vec::new()));
        let col = col as usize;
        if values.len() <= col {
            values.resize(col + 1, String::new());
        }
        values[col] = text;
    }
    if let Some((r, values)) = current {
        let _ = emit(&mut f, r, values);
    }
    Ok(())
}

fn emit(
    f: &mut impl FnMut(u64, Vec<String>) -> ControlFlow<()>,
    row: u32,
    values: Vec<String>,
) -> ControlFlow<()> {
    if values.iter().all(|c| c.trim().is_empty()) {
        return ControlFlow::Continue(());
    }
    f(u64::from(row) + 1, values)
}

/// A cell as text: whole numbers without `.0` (phone numbers typed as numbers), dates as
/// `YYYY-MM-DD`, errors as empty.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
        DataRef::Float(x) => x.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d
            .as_datetime()
            .map(|dt| {
                if dt.time() == chrono::NaiveTime::MIN {
                    dt.date().to_string()
                } else {
                    dt.to_string()
                }
            })
            .unwrap_or_default(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_type_is_sniffed() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Ok(Format::Xlsx));
        assert_eq!(sniff(b"email,full_name\na@b.co,A\n"), Ok(Format::Csv));
        assert!(sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0]).is_err());
        assert!(sniff(b"%PDF-1.7\0\0").is_err());
        assert!(sniff(&[0xff, 0xfe, 0x00]).is_err());
    }

    #[test]
    fn csv_rows_are_numbered_like_a_spreadsheet_and_blank_rows_skipped() {
        let mut seen = Vec::new();
        let file = std::io::Cursor::new(b"a,b\n1,2\n,\n\"x,y\",3\n");
        for_each_row(file, Format::Csv, |n, cells| {
            seen.push((n, cells));
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[2], (4, vec!["x,y".to_owned(), "3".to_owned()]));
    }
}
