//! Mr. Hire (band 75): job and stage templates editable per platform through the API (ADR
//! 0082). A job template is edited in place with a `version` counter, archived rather than
//! deleted (`archived_at`; its title is free again); a post copies the template's content and
//! records `template_version`, so editing never rewrites a post. A stage template is never
//! edited in place: a change inserts the platform's next version and marks the previous one
//! `superseded_at`; a post keeps the exact row it was created under (`stage_template_id`), so
//! its stages, stage emails and scorecard criteria do not move under it. Existing posts are
//! pinned to the template their family resolved to.

crate::sql_migration! {
    up: r#"
        ALTER TABLE job_templates
            ADD COLUMN version     integer NOT NULL DEFAULT 1 CHECK (version >= 1),
            ADD COLUMN archived_at timestamptz,
            ADD COLUMN created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
            ADD COLUMN updated_by  uuid REFERENCES users (id) ON DELETE SET NULL,
            ADD COLUMN updated_at  timestamptz NOT NULL DEFAULT now(),
            ADD CONSTRAINT job_templates_seeded_live CHECK (platform_id IS NOT NULL OR archived_at IS NULL);
        DROP INDEX job_templates_title;
        CREATE UNIQUE INDEX job_templates_title ON job_templates (COALESCE(platform_id, '00000000-0000-0000-0000-000000000000'::uuid), title)
            WHERE archived_at IS NULL;

        ALTER TABLE stage_templates
            ADD COLUMN version       integer NOT NULL DEFAULT 1 CHECK (version >= 1),
            ADD COLUMN superseded_at timestamptz,
            ADD COLUMN created_by    uuid REFERENCES users (id) ON DELETE SET NULL;
        DROP INDEX stage_templates_family;
        CREATE UNIQUE INDEX stage_templates_family ON stage_templates (COALESCE(platform_id, '00000000-0000-0000-0000-000000000000'::uuid), family)
            WHERE superseded_at IS NULL;
        CREATE UNIQUE INDEX stage_templates_version ON stage_templates (COALESCE(platform_id, '00000000-0000-0000-0000-000000000000'::uuid), family, version);

        ALTER TABLE job_posts
            ADD COLUMN template_version  integer CHECK (template_version >= 1),
            ADD COLUMN stage_template_id uuid REFERENCES stage_templates (id);
        UPDATE job_posts SET template_version = 1 WHERE template_id IS NOT NULL;
        UPDATE job_posts p SET stage_template_id = (
            SELECT t.id FROM stage_templates t
             WHERE t.family = p.family AND (t.platform_id = p.platform_id OR t.platform_id IS NULL)
             ORDER BY t.platform_id NULLS LAST LIMIT 1);
    "#,
    down: r#"
        ALTER TABLE job_posts DROP COLUMN stage_template_id, DROP COLUMN template_version;
        DELETE FROM stage_templates WHERE superseded_at IS NOT NULL;
        DROP INDEX stage_templates_version;
        DROP INDEX stage_templates_family;
        CREATE UNIQUE INDEX stage_templates_family ON stage_templates (COALESCE(platform_id, '00000000-0000-0000-0000-000000000000'::uuid), family);
        ALTER TABLE stage_templates DROP COLUMN created_by, DROP COLUMN superseded_at, DROP COLUMN version;
        DELETE FROM job_templates t WHERE archived_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM job_posts p WHERE p.template_id = t.id);
        UPDATE job_templates SET title = left(title, 150) || ' (archived ' || left(id::text, 8) || ')' WHERE archived_at IS NOT NULL;
        DROP INDEX job_templates_title;
        CREATE UNIQUE INDEX job_templates_title ON job_templates (COALESCE(platform_id, '00000000-0000-0000-0000-000000000000'::uuid), title);
        ALTER TABLE job_templates DROP CONSTRAINT job_templates_seeded_live,
            DROP COLUMN updated_at, DROP COLUMN updated_by, DROP COLUMN created_by,
            DROP COLUMN archived_at, DROP COLUMN version;
    "#,
}
