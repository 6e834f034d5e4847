//! Tables as CSV and XLSX for the reports other than GST (sales, pipeline cost, payouts),
//! written the way the GST report writes its own: CSV with one header line (a `section`
//! column first when there are several tables), a workbook with one sheet per table; amounts
//! in paise, as numbers in the workbook (exact: paise stay far below 2^53).

use crate::FinanceError;

/// One cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A whole number (paise, counts).
    Int(i64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Int(n) => n.to_string(),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Self::Int(n)
    }
}

/// A named table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Its name (the sheet's, the `section` column's); at most 31 characters.
    pub name: &'static str,
    /// Column titles.
    pub columns: Vec<&'static str>,
    /// Rows, as many cells as columns.
    pub rows: Vec<Vec<Cell>>,
}

fn unexpected(e: impl std::fmt::Display) -> FinanceError {
    FinanceError::App(kernel::AppError::Unexpected(anyhow::anyhow!("{e}")))
}

/// The tables as one CSV: a `section` column first when there is more than one table (the
/// first table's columns then name the others' by position, so tables of one report share
/// their columns).
pub fn csv(tables: &[Table]) -> Result<Vec<u8>, FinanceError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let sectioned = tables.len() > 1;
    if let Some(first) = tables.first() {
        let mut header: Vec<&str> = Vec::with_capacity(first.columns.len() + 1);
        if sectioned {
            header.push("section");
        }
        header.extend(first.columns.iter().copied());
        w.write_record(&header).map_err(unexpected)?;
    }
    for t in tables {
        for row in &t.rows {
            let mut record: Vec<String> = Vec::with_capacity(row.len() + 1);
            if sectioned {
                record.push(t.name.to_owned());
            }
            record.extend(row.iter().map(Cell::text));
            w.write_record(&record).map_err(unexpected)?;
        }
    }
    w.into_inner().map_err(unexpected)
}

/// The tables as a workbook, one sheet each, a bold header line.
pub fn xlsx(tables: &[Table]) -> Result<Vec<u8>, FinanceError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(t.name).map_err(unexpected)?;
        for (c, title) in t.columns.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            sheet
                .write_string_with_format(0, col, *title, &bold)
                .map_err(unexpected)?;
        }
        for (i, row) in t.rows.iter().enumerate() {
            let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                let col = u16::try_from(c).unwrap_or(u16::MAX);
                match cell {
                    Cell::Int(n) => sheet.write_number(line, col, *n as f64),
                    Cell::Text(s) => sheet.write_string(line, col, s),
                }
                .map_err(unexpected)?;
            }
        }
    }
    book.save_to_buffer().map_err(unexpected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &'static str, n: i64) -> Table {
        Table {
            name,
            columns: vec!["key", "amount_paise"],
            rows: vec![
                vec!["a".into(), n.into()],
                vec!["b,c".into(), (n + 1).into()],
            ],
        }
    }

    #[test]
    fn csv_has_a_section_column_only_for_several_tables() {
        let one = String::from_utf8(csv(&[table("sales", 5)]).unwrap()).unwrap();
        assert_eq!(one, "key,amount_paise\na,5\n\"b,c\",6\n");
        let two = String::from_utf8(csv(&[table("ai", 1), table("other", 7)]).unwrap()).unwrap();
        assert_eq!(
            two,
            "section,key,amount_paise\nai,a,1\nai,\"b,c\",2\nother,a,7\nother,\"b,c\",8\n"
        );
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let bytes = xlsx(&[table("sales", 5), table("totals", 1)]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
