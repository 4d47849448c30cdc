package sqlite

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// pinParams are argon2id cost parameters.
type pinParams struct {
	Memory  uint32 // KiB
	Time    uint32 // iterations
	Threads uint8  // lanes
	SaltLen int
	KeyLen  int
}

// defaultPINParams are OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane; 16-byte salt,
// 32-byte hash. About 100 ms on a shop PC.
var defaultPINParams = pinParams{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

var b64 = base64.RawStdEncoding

// hashPIN returns the PHC string of pin: $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH.
func hashPIN(pin string, p pinParams) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("pin salt: %w", err)
	}
	key := argon2.IDKey([]byte(pin), salt, p.Time, p.Memory, p.Threads, uint32(p.KeyLen))
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadPINHash = errors.New("malformed argon2id hash")

// parsePINHash reads a PHC string written by hashPIN. Parameters are bounded so a tampered row
// cannot make a sign-in allocate gigabytes.
func parsePINHash(encoded string) (p pinParams, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadPINHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errBadPINHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errBadPINHash
	}
	if p.Memory < 8*uint32(p.Threads) || p.Memory > 256*1024 || p.Time < 1 || p.Time > 16 || p.Threads < 1 || p.Threads > 16 {
		return p, nil, nil, errBadPINHash
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 || len(salt) > 64 {
		return p, nil, nil, errBadPINHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errBadPINHash
	}
	p.SaltLen, p.KeyLen = len(salt), len(key)
	return p, salt, key, nil
}

// verifyPIN reports whether pin matches the PHC string encoded, comparing in constant time, and
// whether the hash is weaker than want and should be replaced.
func verifyPIN(pin, encoded string, want pinParams) (ok, rehash bool, err error) {
	p, salt, key, err := parsePINHash(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(pin), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	ok = subtle.ConstantTimeCompare(got, key) == 1
	rehash = p.Memory < want.Memory || p.Time < want.Time || len(salt) < want.SaltLen || len(key) < want.KeyLen
	return ok, rehash, nil
}

// dummyPINHash is verified against when the name is unknown, so a wrong name takes as long as a
// wrong PIN.
var dummyPINHash = sync.OnceValue(func() string {
	h, err := hashPIN("posdesk-no-such-user", defaultPINParams)
	if err != nil {
		panic(err)
	}
	return h
})
