//! The address a lead gave, where mail goes (ADR 0095). `email_canonical` (no `+tag`, Gmail's
//! dots removed) stays the dedupe key; mail went there too, and outside Gmail a `+tag` or a
//! dot can be part of another person's address. Existing leads keep what was stored.

crate::sql_migration! {
    up: r#"
        ALTER TABLE leads ADD COLUMN email text CHECK (length(email) <= 320);
        UPDATE leads SET email = email_canonical WHERE email_canonical IS NOT NULL;
        ALTER TABLE leads ADD CONSTRAINT leads_email_with_key
            CHECK ((email IS NULL) = (email_canonical IS NULL));
    "#,
    down: r#"
        ALTER TABLE leads DROP COLUMN email;
    "#,
}
