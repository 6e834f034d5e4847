//! The environment reader every crate's configuration section uses: one lookup (the process
//! environment after `.env`, or a map in tests), `<NAME>_FILE` for secrets, typed parsing
//! whose errors name the variable.

use std::{collections::HashMap, fmt, str::FromStr};

use secrecy::SecretString;

/// Errors found while reading the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A variable is present but cannot be parsed.
    #[error("{name}: {message}")]
    Invalid {
        /// Variable name.
        name: String,
        /// What is wrong with it.
        message: String,
    },
    /// A variable required in this environment is missing.
    #[error("{0} is required when APP_ENV=production")]
    Missing(&'static str),
    /// A `*_FILE` path could not be read.
    #[error("{name}_FILE: cannot read {path}: {source}")]
    File {
        /// Variable name without `_FILE`.
        name: String,
        /// The path given.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The error of a variable that is present but wrong.
pub fn invalid(name: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        name: name.into(),
        message: message.into(),
    }
}

/// A variable lookup: the value of a name, if any.
type Lookup<'a> = Box<dyn Fn(&str) -> Option<String> + 'a>;

/// Reads variables from one lookup. An empty value counts as unset.
pub struct Env<'a> {
    lookup: Lookup<'a>,
}

impl<'a> Env<'a> {
    /// A reader over any lookup (the environment, or a map in tests).
    pub fn new(lookup: impl Fn(&str) -> Option<String> + 'a) -> Self {
        Self {
            lookup: Box::new(lookup),
        }
    }

    /// The process environment, loading `.env` first unless `APP_ENV=production` (a `.env`
    /// never overrides the process environment).
    pub fn process() -> Env<'static> {
        let production = std::env::var("APP_ENV").is_ok_and(|v| v == "production");
        if !production {
            // A missing .env is normal; a malformed one is reported by the load itself.
            let _ = dotenvy::dotenv();
        }
        Env::new(|name| std::env::var(name).ok())
    }

    /// A reader over fixed pairs (unit tests of the configuration sections).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Env<'static> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Env::new(move |name| map.get(name).cloned())
    }

    /// The value of `name`, if set and not empty.
    pub fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|v| !v.is_empty())
    }

    /// A secret: the contents of the file `<name>_FILE` names (trailing newline removed), else
    /// the value of `name`.
    pub fn secret(&self, name: &str) -> Result<Option<SecretString>, ConfigError> {
        if let Some(path) = self.get(&format!("{name}_FILE")) {
            let value = std::fs::read_to_string(&path).map_err(|source| ConfigError::File {
                name: name.into(),
                path: path.clone(),
                source,
            })?;
            return Ok(Some(SecretString::from(
                value.trim_end_matches(['\n', '\r']).to_owned(),
            )));
        }
        Ok(self.get(name).map(SecretString::from))
    }

    /// `name` parsed, or `default` when unset; a value that does not parse is an error naming
    /// the variable.
    pub fn parse<T: FromStr>(&self, name: &str, default: T) -> Result<T, ConfigError>
    where
        T::Err: fmt::Display,
    {
        Ok(self.parse_opt(name)?.unwrap_or(default))
    }

    /// `name` parsed, or `None` when unset.
    pub fn parse_opt<T: FromStr>(&self, name: &str) -> Result<Option<T>, ConfigError>
    where
        T::Err: fmt::Display,
    {
        self.get(name)
            .map(|raw| {
                raw.trim()
                    .parse::<T>()
                    .map_err(|e| invalid(name, e.to_string()))
            })
            .transpose()
    }

    /// `name` parsed as a number within `min..=max`, or `default` when unset; a value outside
    /// the bounds is an error naming the variable and the bounds.
    pub fn int_in<T>(&self, name: &str, (min, max): (T, T), default: T) -> Result<T, ConfigError>
    where
        T: FromStr + PartialOrd + fmt::Display,
        T::Err: fmt::Display,
    {
        let n = self.parse(name, default)?;
        if min <= n && n <= max {
            Ok(n)
        } else {
            Err(invalid(
                name,
                format!("must be an integer between {min} and {max}"),
            ))
        }
    }

    /// Like [`Env::url`], refusing a value that is not an http(s) URL.
    pub fn http_url(&self, name: &str, default: &str) -> Result<String, ConfigError> {
        let value = self.url(name, default);
        if value.starts_with("http://") || value.starts_with("https://") {
            Ok(value)
        } else {
            Err(invalid(name, "must be an http(s) URL"))
        }
    }

    /// A URL variable with its trailing slashes removed, or `default`.
    pub fn url(&self, name: &str, default: &str) -> String {
        self.get(name)
            .unwrap_or_else(|| default.into())
            .trim_end_matches('/')
            .to_owned()
    }
}
