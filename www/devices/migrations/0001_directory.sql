-- The directory: which of your users is which Twilio user, and which device tokens belong to
-- whom. D1 is the truth; Twilio's DeviceRegistrations are a mirror that worker.js keeps in step
-- (see sync.js). Times are milliseconds since the epoch (INTEGER).

-- One row per (app, your user ID): at most one Twilio user per user per app, and a Twilio user
-- belongs to at most one of your users. twilio_user_id is NULL until the first device of the user
-- has been registered (the API creates users only by registering a device without a userId).
-- state: 'synced' when Twilio holds exactly the user's devices, 'pending' while a change has been
-- decided here but not yet confirmed by Twilio (the next call or a reconcile finishes it).
CREATE TABLE users (
  app TEXT NOT NULL,
  user_id TEXT NOT NULL,
  twilio_user_id TEXT,
  registration_id TEXT,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('synced', 'pending')),
  last_error TEXT,
  source TEXT NOT NULL DEFAULT 'app',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (app, user_id)
);
CREATE UNIQUE INDEX users_twilio ON users (app, twilio_user_id) WHERE twilio_user_id IS NOT NULL;
CREATE INDEX users_pending ON users (state, updated_at);

-- One row per canonical token per provider per app (the token core's canonical form, so every
-- spelling of one APNs token is one row). device_id is ours and survives token rotation.
-- user_id is NULL once the device is signed out or retired; the row stays for the history.
-- status: 'active' (in the owner's Twilio registration), 'pending' (decided, not yet confirmed),
-- 'signed_out', 'retired' (replaced by a newer token of the same installation).
CREATE TABLE devices (
  device_id TEXT PRIMARY KEY,
  app TEXT NOT NULL,
  provider TEXT NOT NULL CHECK (provider IN ('APN', 'FCM')),
  token TEXT NOT NULL,
  user_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('active', 'pending', 'signed_out', 'retired')),
  first_seen_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (app, provider, token)
);
CREATE INDEX devices_user ON devices (app, user_id);

-- Token history: every registration, move, rotation and sign-out. The raw token stays in
-- devices; events carry a SHA-256 of "provider:canonical token", so a lookup by token finds
-- the history even after the row's token has rotated.
CREATE TABLE token_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  app TEXT NOT NULL,
  device_id TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  provider TEXT NOT NULL,
  event TEXT NOT NULL,
  from_user TEXT,
  to_user TEXT,
  actor TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX token_events_hash ON token_events (token_hash, id);
CREATE INDEX token_events_device ON token_events (device_id, id);
CREATE INDEX token_events_to ON token_events (app, to_user, id);
CREATE INDEX token_events_from ON token_events (app, from_user, id);

-- Short leases that serialize the Twilio side of one user (one registration per user per app,
-- rewritten as a whole when a device leaves it). Expired leases may be taken over.
CREATE TABLE locks (
  key TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
