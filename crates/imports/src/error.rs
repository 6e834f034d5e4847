//! The importer's errors and their answers.

use kernel::{
    AppError,
    error::{ErrorCode, codes as kernel_codes},
};

/// The importer's error codes.
pub mod codes {
    kernel::error_codes! {
        /// No import with this id on this platform.
        IMPORT_NOT_FOUND = NOT_FOUND "import_not_found";
        /// No import kind of this name is registered.
        IMPORT_KIND_UNKNOWN = NOT_FOUND "import_kind_unknown";
        /// The uploaded file is not a readable .xlsx or UTF-8 CSV, is empty or has no data rows (names `file`).
        IMPORT_FILE_INVALID = UNPROCESSABLE_ENTITY "import_file_invalid";
        /// The file's header lacks a required column of the kind (names the column).
        IMPORT_MISSING_COLUMN = UNPROCESSABLE_ENTITY "import_missing_column";
        /// The import was already started (one job per import).
        IMPORT_ALREADY_STARTED = CONFLICT "import_already_started";
    }
}

/// What can go wrong in the importer. Each variant answers one registered code.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// 404 `import_not_found` (also for another platform's import).
    #[error("no such import")]
    NotFound,
    /// 404 `import_kind_unknown`.
    #[error("no import kind {0:?}")]
    KindUnknown(String),
    /// 422 `import_file_invalid` on `file`, saying why.
    #[error("{0}")]
    FileInvalid(String),
    /// 422 `import_missing_column` naming the column.
    #[error("the file's header has no {0:?} column")]
    MissingColumn(&'static str),
    /// 409 `import_already_started`, naming the status.
    #[error("the import was already started (status {0})")]
    AlreadyStarted(&'static str),
    /// 413 `payload_too_large` over the upload limit.
    #[error("the file is over {0} bytes")]
    TooLarge(usize),
    /// 422 naming a field.
    #[error("{0}: {1}")]
    Invalid(&'static str, String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    /// An error already in the API's terms (storage, multipart).
    #[error(transparent)]
    App(AppError),
    /// Anything unexpected (the cause is logged, never answered).
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<storage::StorageError> for ImportError {
    fn from(err: storage::StorageError) -> Self {
        Self::App(err.into())
    }
}

impl ImportError {
    /// The registered code this error answers.
    pub fn code(&self) -> &'static ErrorCode {
        match self {
            Self::NotFound => &codes::IMPORT_NOT_FOUND,
            Self::KindUnknown(_) => &codes::IMPORT_KIND_UNKNOWN,
            Self::FileInvalid(_) => &codes::IMPORT_FILE_INVALID,
            Self::MissingColumn(_) => &codes::IMPORT_MISSING_COLUMN,
            Self::AlreadyStarted(_) => &codes::IMPORT_ALREADY_STARTED,
            Self::TooLarge(_) => &kernel_codes::PAYLOAD_TOO_LARGE,
            Self::Invalid(..) => &kernel_codes::VALIDATION_FAILED,
            Self::Db(_) | Self::Unexpected(_) => &kernel_codes::INTERNAL_ERROR,
            Self::App(e) => e.error_code(),
        }
    }
}

impl From<ImportError> for AppError {
    fn from(err: ImportError) -> Self {
        match err {
            ImportError::Invalid(field, message) => AppError::invalid_field(field, message),
            ImportError::TooLarge(limit) => AppError::PayloadTooLarge { limit },
            ImportError::Db(e) => e.into(),
            ImportError::App(e) => e,
            ImportError::Unexpected(e) => AppError::Unexpected(e),
            ImportError::FileInvalid(_) => {
                AppError::new(err.code(), err.to_string()).on_field("file")
            }
            ImportError::MissingColumn(column) => {
                AppError::new(err.code(), err.to_string()).on_field(column)
            }
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}
