package sqlite

import (
	"strings"
	"testing"
)

func TestPINHashRoundTrip(t *testing.T) {
	h, err := hashPIN("902715", defaultPINParams)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pin  string
		want bool
	}{{"902715", true}, {"902716", false}, {"", false}} {
		ok, rehash, err := verifyPIN(tc.pin, h, defaultPINParams)
		if err != nil || ok != tc.want || rehash {
			t.Errorf("verify %q: ok %v rehash %v err %v", tc.pin, ok, rehash, err)
		}
	}
	// A hash made with weaker parameters still verifies and asks to be replaced.
	weak, _ := hashPIN("902715", pinParams{Memory: 8 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if ok, rehash, err := verifyPIN("902715", weak, defaultPINParams); !ok || !rehash || err != nil {
		t.Errorf("weak hash: ok %v rehash %v err %v", ok, rehash, err)
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
		strings.Replace(h, "v=19", "v=16", 1), strings.Replace(h, "t=2", "t=99", 1), h + "$x"} {
		if _, _, err := verifyPIN("902715", bad, defaultPINParams); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

// BenchmarkHashPIN measures one argon2id hash with the OWASP parameters (what a sign-in costs).
func BenchmarkHashPIN(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := hashPIN("902715", defaultPINParams); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/hash")
}
