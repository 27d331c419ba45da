package smcrypto

// TextSealer seals short secrets kept in the state database (the
// administrators' TOTP secrets) with SM4-GCM under Key, in the same sealed
// text as the secret files. Its methods are those of auth.Sealer.
type TextSealer struct{ Key Key }

// Scheme names the seal in a stored value ("sm4:<sealed text>").
func (TextSealer) Scheme() string { return "sm4" }

// Seal encrypts plain into one line of text.
func (s TextSealer) Seal(plain []byte) (string, error) { return s.Key.SealText(plain) }

// Open decrypts a text made by Seal; a wrong key or an altered text is ErrOpen.
func (s TextSealer) Open(sealed string) ([]byte, error) { return s.Key.OpenText([]byte(sealed)) }
