//! The name an application gave (ADR 0095). A candidate is found by email, else by phone, and
//! keeps the name they first gave; the application's stage emails greet whoever sent *it*, at
//! the address *it* gave, so an application sent with another person's phone learns nothing
//! of that person. Existing applications take their candidate's name.

crate::sql_migration! {
    up: r#"
        ALTER TABLE job_applications ADD COLUMN full_name text NOT NULL DEFAULT ''
            CHECK (length(full_name) <= 200);
        UPDATE job_applications a SET full_name = c.full_name
          FROM candidates c WHERE c.id = a.candidate_id;
        ALTER TABLE job_applications ALTER COLUMN full_name DROP DEFAULT;
    "#,
    down: r#"
        ALTER TABLE job_applications DROP COLUMN full_name;
    "#,
}
