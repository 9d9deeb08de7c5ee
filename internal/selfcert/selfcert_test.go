package selfcert

import (
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"strings"
	"testing"
	"time"
)

func TestNew(t *testing.T) {
	c, err := New([]string{"10.1.2.3", "flowdeck.example", "[::1]"})
	if err != nil {
		t.Fatal(err)
	}
	leaf := c.Leaf
	if _, ok := c.PrivateKey.(*ecdsa.PrivateKey); !ok || leaf.PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("key: %T %v", c.PrivateKey, leaf.PublicKeyAlgorithm)
	}
	for _, h := range []string{"10.1.2.3", "flowdeck.example", "localhost", "127.0.0.1", "::1"} {
		if err := leaf.VerifyHostname(h); err != nil {
			t.Errorf("%s: %v", h, err)
		}
	}
	if leaf.VerifyHostname("other.example") == nil {
		t.Error("verifies a host it was not made for")
	}
	if d := time.Until(leaf.NotAfter); d > Validity || d < Validity-2*time.Hour {
		t.Errorf("valid for %v", d)
	}
	// The pair works in a TLS config and the fingerprint has the browser's form.
	if _, err := tls.X509KeyPair(pemOf(t, c)); err != nil {
		t.Error(err)
	}
	fp := Fingerprint(c.Certificate[0])
	if len(fp) != 32*3-1 || strings.ToUpper(fp) != fp || strings.Count(fp, ":") != 31 {
		t.Errorf("fingerprint %q", fp)
	}
	c2, _ := New(nil)
	if Fingerprint(c2.Certificate[0]) == fp {
		t.Error("two sessions share a certificate")
	}
}

func pemOf(t *testing.T, c tls.Certificate) ([]byte, []byte) {
	cp, kp, err := PEM(c)
	if err != nil {
		t.Fatal(err)
	}
	return cp, kp
}
