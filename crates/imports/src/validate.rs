//! The column checks every kind gets for free: the header mapping (declared column -> file
//! column) and each cell against its column's type, length and allowed values. Pure
//! functions, unit-tested here.

use chrono::NaiveDate;

use crate::kind::{CellError, Column, ColumnType, ImportKind, Row};

/// Longest value kept in an error (report and preview).
const VALUE_CLIP: usize = 200;

/// Where each declared column sits in the file: `mapping[i]` is the file column of the
/// kind's column `i` (`None`: an optional column the file does not have).
pub type Mapping = Vec<Option<usize>>;

fn normalise_header(h: &str) -> String {
    h.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '\u{feff}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Maps the file's header onto the declared columns; `Err` names the first required column
/// the header lacks.
pub fn map_header(columns: &[Column], header: &[String]) -> Result<Mapping, &'static str> {
    let found: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
    columns
        .iter()
        .map(|c| {
            let want = normalise_header(c.name);
            match found.iter().position(|h| *h == want) {
                Some(i) => Ok(Some(i)),
                None if c.required => Err(c.name),
                None => Ok(None),
            }
        })
        .collect()
}

/// Clips a value for an error message or report.
pub fn clip(value: &str) -> String {
    value.chars().take(VALUE_CLIP).collect()
}

/// Checks one cell; `Ok(None)` is an empty optional cell.
pub fn check_cell(column: &Column, raw: Option<&str>) -> Result<Option<String>, String> {
    let value = raw.map(str::trim).filter(|v| !v.is_empty());
    let Some(value) = value else {
        return if column.required {
            Err("is required".into())
        } else {
            Ok(None)
        };
    };
    if value.contains('\0') {
        return Err("must not contain NUL characters".into());
    }
    if value.chars().count() > column.max_length {
        return Err(format!("is longer than {} characters", column.max_length));
    }
    let normalised = match column.kind {
        ColumnType::Text => value.to_owned(),
        ColumnType::Email => email(value).ok_or("is not an email address")?,
        ColumnType::Phone => phone(value).ok_or("is not a phone number (7-15 digits)")?,
        ColumnType::Int => value
            .parse::<i64>()
            .map(|n| n.to_string())
            .map_err(|_| "is not a whole number".to_owned())?,
        ColumnType::Enum => column
            .allowed
            .iter()
            .find(|a| a.eq_ignore_ascii_case(value))
            .map(|a| (*a).to_owned())
            .ok_or_else(|| format!("must be one of: {}", column.allowed.join(", ")))?,
        ColumnType::Date => NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map(|d| d.to_string())
            .map_err(|_| "is not a date (YYYY-MM-DD)".to_owned())?,
    };
    Ok(Some(normalised))
}

fn email(value: &str) -> Option<String> {
    let lower = value.to_lowercase();
    let (local, domain) = lower.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && lower.len() <= 254
        && !lower.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(lower)
}

fn phone(value: &str) -> Option<String> {
    let plus = value.starts_with('+');
    let rest = value.trim_start_matches('+');
    let mut digits = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    (7..=15)
        .contains(&digits.len())
        .then(|| if plus { format!("+{digits}") } else { digits })
}

/// Checks a data row: each declared column's cell, then the kind's own row rules.
pub fn check_row(
    kind: &dyn ImportKind,
    mapping: &Mapping,
    number: u64,
    cells: &[String],
) -> Result<Row, Vec<CellError>> {
    let columns = kind.columns();
    let mut values = Vec::with_capacity(columns.len());
    let mut errors = Vec::new();
    for (column, at) in columns.iter().zip(mapping) {
        let raw = at.and_then(|i| cells.get(i)).map(String::as_str);
        match check_cell(column, raw) {
            Ok(v) => values.push(v),
            Err(message) => {
                values.push(None);
                errors.push(CellError {
                    column: column.name.to_owned(),
                    value: raw.filter(|r| !r.trim().is_empty()).map(clip),
                    message,
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let row = Row {
        number,
        values,
        columns,
    };
    let errors = kind.validate_row(&row);
    if errors.is_empty() {
        Ok(row)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: &[Column] = &[
        Column::text("email", 254).of(ColumnType::Email).required(),
        Column::text("full_name", 200).required(),
        Column::text("phone", 32).of(ColumnType::Phone),
        Column::text("level", 20).one_of(&["beginner", "advanced"]),
        Column::text("joined_on", 10).of(ColumnType::Date),
        Column::text("age", 3).of(ColumnType::Int),
    ];

    #[test]
    fn headers_map_loosely_and_name_a_missing_required_column() {
        let header = ["Full Name", "EMAIL", "Phone"].map(String::from);
        assert_eq!(
            map_header(COLS, &header),
            Ok(vec![Some(1), Some(0), Some(2), None, None, None])
        );
        assert_eq!(map_header(COLS, &["email".to_owned()]), Err("full_name"));
    }

    #[test]
    fn cells_are_checked_and_normalised() {
        assert_eq!(
            check_cell(&COLS[0], Some(" A@B.co ")),
            Ok(Some("a@b.co".into()))
        );
        assert!(check_cell(&COLS[0], Some("not-an-email")).is_err());
        assert_eq!(check_cell(&COLS[0], None), Err("is required".into()));
        assert_eq!(
            check_cell(&COLS[2], Some("+91 98765-43210")),
            Ok(Some("+919876543210".into()))
        );
        assert!(check_cell(&COLS[2], Some("12ab")).is_err());
        assert_eq!(
            check_cell(&COLS[3], Some("Advanced")),
            Ok(Some("advanced".into()))
        );
        assert!(
            check_cell(&COLS[3], Some("expert"))
                .unwrap_err()
                .contains("beginner")
        );
        assert_eq!(
            check_cell(&COLS[4], Some("2026-02-03")),
            Ok(Some("2026-02-03".into()))
        );
        assert!(check_cell(&COLS[4], Some("03/02/2026")).is_err());
        assert!(check_cell(&COLS[5], Some("4.5")).is_err());
        assert!(check_cell(&COLS[1], Some(&"x".repeat(201))).is_err());
        assert_eq!(check_cell(&COLS[2], Some("  ")), Ok(None));
    }
}
