// The seed's stack doing the gateway's hot paths, for side-by-side figures (bench/compare.sh):
// Express 4 + TypeORM 0.3 + pg + jsonwebtoken in a 2-worker node:cluster, as the Node
// monolith runs. Same database, same JWT secret and claims, same answers as the gateway:
//   GET /api/auth/me            JWT (HS256, issuer) -> the user row by id and platform
//   GET /api/mentors?limit=20   approved mentors with their next open slot (one statement,
//                               the gateway's own LATERAL join: the fairest Express can be)
// usage: DATABASE_URL=... JWT_SECRET=... JWT_ISSUER=... PORT=... node server.js
'use strict';
require('reflect-metadata');
const cluster = require('node:cluster');
const WORKERS = Number(process.env.WORKERS || 2);

if (cluster.isPrimary) {
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  cluster.on('exit', (w, code) => { if (code) console.error(`worker ${w.process.pid} exited ${code}`); });
  return;
}

const express = require('express');
const jwt = require('jsonwebtoken');
const { DataSource, EntitySchema } = require('typeorm');

const Platform = new EntitySchema({
  name: 'Platform', tableName: 'platforms',
  columns: { id: { type: 'uuid', primary: true }, slug: { type: 'text' }, active: { type: 'boolean' } },
});
const User = new EntitySchema({
  name: 'User', tableName: 'users',
  columns: {
    id: { type: 'uuid', primary: true }, platform_id: { type: 'uuid' }, email: { type: 'text' },
    full_name: { type: 'text' }, role: { type: 'text' }, capabilities: { type: 'jsonb' },
    status: { type: 'text' }, tokens_valid_after: { type: 'timestamptz', nullable: true },
  },
});

const ds = new DataSource({
  type: 'postgres', url: process.env.DATABASE_URL, entities: [Platform, User],
  synchronize: false, logging: false, extra: { max: Number(process.env.PG_POOL || 10) },
});
const SECRET = process.env.JWT_SECRET;
const ISSUER = process.env.JWT_ISSUER;
const platformIds = new Map(); // slug -> id, as the seed's platform middleware caches them

async function platformId(slug) {
  if (!platformIds.has(slug)) {
    const p = await ds.getRepository(Platform).findOneBy({ slug, active: true });
    if (!p) return null;
    platformIds.set(slug, p.id);
  }
  return platformIds.get(slug);
}

function auth(req, res, next) {
  const h = req.headers.authorization || '';
  if (!h.startsWith('Bearer ')) return res.status(401).json({ code: 'unauthorized' });
  try {
    req.claims = jwt.verify(h.slice(7), SECRET, { algorithms: ['HS256'], issuer: ISSUER });
    next();
  } catch (e) {
    res.status(401).json({ code: 'unauthorized' });
  }
}

const app = express();
app.disable('x-powered-by');

app.get('/api/auth/me', auth, async (req, res, next) => {
  try {
    const pid = await platformId(req.claims.plat);
    const user = await ds.getRepository(User).findOneBy({ id: req.claims.sub, platform_id: pid });
    if (!user || user.status !== 'active') return res.status(401).json({ code: 'unauthorized' });
    res.json({ id: user.id, email: user.email, full_name: user.full_name, role: user.role,
      capabilities: user.capabilities, platform: req.claims.plat });
  } catch (e) { next(e); }
});

app.get('/api/mentors', async (req, res, next) => {
  try {
    const limit = Math.min(Math.max(Number(req.query.limit) || 20, 1), 100);
    const pid = await platformId(req.headers['x-platform'] || 'mr-mentor');
    const rows = await ds.query(
      `SELECT p.*, s.id AS slot_id, s.starts_at AS slot_starts_at, s.ends_at AS slot_ends_at
         FROM mentor_profiles p
         LEFT JOIN LATERAL (
               SELECT id, starts_at, ends_at FROM mentor_slots
                WHERE mentor_id = p.id AND status = 'open' AND starts_at >= $2
                ORDER BY starts_at LIMIT 1) s ON true
        WHERE p.platform_id = $1 AND p.status = 'approved'
        ORDER BY p.id LIMIT $3`, [pid, new Date(), limit + 1]);
    const items = rows.slice(0, limit).map((r) => ({
      id: r.id, user_id: r.user_id, full_name: r.full_name, headline: r.headline, bio: r.bio,
      expertise: r.expertise, languages: r.languages, price_tokens: r.price_tokens,
      status: r.status, approved_at: r.approved_at,
      next_open_slot: r.slot_id ? { id: r.slot_id, starts_at: r.slot_starts_at, ends_at: r.slot_ends_at } : null,
    }));
    res.json({ items, next_cursor: rows.length > limit ? items[items.length - 1].id : null });
  } catch (e) { next(e); }
});

app.use((err, req, res, _next) => { console.error(err); res.status(500).json({ code: 'internal' }); });

ds.initialize().then(() => {
  app.listen(Number(process.env.PORT || 3000), '127.0.0.1');
});
