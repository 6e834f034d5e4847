//! `platforms`: the tenants of the suite, selected by the `X-Platform` slug.

crate::sql_migration! {
    up: r#"
                CREATE TABLE platforms (
                    id          uuid PRIMARY KEY,
                    slug        text NOT NULL UNIQUE
                                CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
                    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                    modules     jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(modules) = 'array'),
                    active      boolean NOT NULL DEFAULT true,
                    created_at  timestamptz NOT NULL DEFAULT now(),
                    updated_at  timestamptz NOT NULL DEFAULT now()
                );
                "#,
    down: "DROP TABLE platforms;",
}
