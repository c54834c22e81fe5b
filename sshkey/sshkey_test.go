package sshkey

import (
	"crypto/dsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

func authorized(t *testing.T, pub any) string {
	t.Helper()
	k, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k)))
}

func TestParse(t *testing.T) {
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	ed2, _, _ := ed25519.GenerateKey(rand.Reader)
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	rsa2048, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var dsaKey dsa.PrivateKey
	if err := dsa.GenerateParameters(&dsaKey.Parameters, rand.Reader, dsa.L1024N160); err != nil {
		t.Fatal(err)
	}
	if err := dsa.GenerateKey(&dsaKey, rand.Reader); err != nil {
		t.Fatal(err)
	}
	ed := authorized(t, edPub)
	tests := []struct {
		name, text string
		weak       bool
		errHas     string
	}{
		{"ed25519 with comment", ed + " dana@laptop", false, ""},
		{"rsa 2048", authorized(t, &rsa2048.PublicKey), false, ""},
		{"rsa 1024", authorized(t, &rsa1024.PublicKey), true, "1024 bits"},
		{"dsa", authorized(t, &dsaKey.PublicKey), true, "DSA"},
		{"empty", "  ", false, "empty key"},
		{"private", "-----BEGIN OPENSSH PRIVATE KEY-----", false, "private key"},
		{"two lines", ed + "\n" + authorized(t, ed2), false, "more than one key"},
		{"two on one line", ed + " " + authorized(t, ed2), false, "more than one key"},
		{"garbage", "hello", false, "not an SSH public key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, fp, err := Parse(tt.text)
			if tt.errHas == "" {
				if err != nil || !strings.HasPrefix(fp, "SHA256:") {
					t.Fatalf("Parse = %q, %v; want a fingerprint", fp, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("Parse error = %v; want one containing %q", err, tt.errHas)
			}
			if errors.Is(err, ErrWeakKey) != tt.weak {
				t.Fatalf("errors.Is(err, ErrWeakKey) = %v, want %v", !tt.weak, tt.weak)
			}
		})
	}
}

func TestSignatureAlgorithmsHaveNoSHA1(t *testing.T) {
	for _, a := range SignatureAlgorithms {
		if a == gossh.KeyAlgoRSA || a == gossh.KeyAlgoDSA {
			t.Errorf("SignatureAlgorithms contains %s", a)
		}
	}
}
