package config

// Audit is the audit trail's keyed chain (MLPS level 3, 安全审计): every row
// carries an HMAC-SM3 over the row before it, keyed by a file kept outside the
// state database, so that whoever can write the database cannot rewrite the
// trail unseen. Without a key file the chain is SHA-256 only: it shows an
// edit, but not one made with the hashes recomputed. Make one with
// `swanwatch audit keygen --key FILE`. Read at start only.
type Audit struct {
	KeyFile string `yaml:"key_file,omitempty"`
}

// Secrets is the SM4 key the sealed secret files open with (a *_file whose
// content `swanwatch secret seal` wrote). Plain secret files still work and
// are counted. Read at start only: it is loaded before any *_file secret.
type Secrets struct {
	KeyFile string `yaml:"key_file,omitempty"`
}
