//! Every configuration key declared by the crates of this binary: seeded at boot, validated
//! by `PUT /api/system-config/{key}`. A crate with keys adds its `settings::KEYS` here.

use kernel::system_config::Key;

/// The key lists of every crate.
const LISTS: &[&[Key]] = &[
    kernel::system_config::KEYS,
    tokens::settings::KEYS,
    mentorship::settings::KEYS,
    lms::settings::KEYS,
    finance::settings::KEYS,
    integrations::settings::KEYS,
    crm::settings::KEYS,
];

/// Every declared key.
pub fn keys() -> impl Iterator<Item = &'static Key> {
    LISTS.iter().flat_map(|list| list.iter())
}

/// The declaration of `name`, if any crate declares it.
pub fn find(name: &str) -> Option<&'static Key> {
    keys().find(|k| k.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_declared_once_and_its_default_fits() {
        let mut names: Vec<&str> = keys().map(|k| k.name).collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "a key is declared twice");
        for k in keys() {
            assert_eq!(k.check(&k.default_value()), Ok(()), "{}", k.name);
        }
    }
}
