//! The job's reading side: the blocking reader that skips the committed rows, checks the
//! rest and sends them in batches through a bounded channel to the writer.

use std::{
    io::{Read, Seek},
    ops::ControlFlow,
};

use tokio::sync::mpsc;

use crate::{
    kind::{CellError, ImportKind, Row},
    reader::{self, Format},
    validate::{self, Mapping},
};

/// Checked rows of one transaction.
#[derive(Default)]
pub struct Batch {
    /// The rows that passed every check.
    pub rows: Vec<Row>,
    /// Bad cells with their row numbers.
    pub errors: Vec<(u64, CellError)>,
    /// Rows with at least one bad cell.
    pub failed: i64,
    /// Data rows in this batch, good or bad.
    pub processed: i64,
}

/// Reads the file (blocking), skipping the header and the first `skip` data rows, and sends
/// checked batches of `size` rows. Stops when the receiver is gone.
pub fn produce(
    source: impl Read + Seek,
    format: Format,
    kind: &dyn ImportKind,
    mapping: &Mapping,
    skip: u64,
    size: usize,
    tx: &mpsc::Sender<Batch>,
) -> Result<(), reader::ReadError> {
    let mut header_seen = false;
    let mut index = 0u64;
    let mut batch = Batch::default();
    let mut closed = false;
    reader::for_each_row(source, format, |number, cells| {
        if !header_seen {
            header_seen = true;
            return ControlFlow::Continue(());
        }
        index += 1;
        if index <= skip {
            return ControlFlow::Continue(());
        }
        match validate::check_row(kind, mapping, number, &cells) {
            Ok(row) => batch.rows.push(row),
            Err(errors) => {
                batch.failed += 1;
                batch.errors.extend(errors.into_iter().map(|e| (number, e)));
            }
        }
        batch.processed += 1;
        if batch.processed as usize >= size && tx.blocking_send(std::mem::take(&mut batch)).is_err()
        {
            closed = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    })?;
    if !closed && batch.processed > 0 {
        let _ = tx.blocking_send(batch);
    }
    Ok(())
}
