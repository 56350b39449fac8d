-- The app's own installation ID (optional `installId` of PUT /devices): a token change reported
-- with the same installId rotates that installation's row, like previousToken. One row holds an
-- installation ID per app at a time.
ALTER TABLE devices ADD COLUMN install_id TEXT;
CREATE UNIQUE INDEX devices_install ON devices (app, install_id) WHERE install_id IS NOT NULL;
