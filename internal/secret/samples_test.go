package secret

import (
	"encoding/base64"
	"encoding/binary"
	"math/rand/v2"
	"strings"
)

// Test samples are built at run time from fragments and pseudo-random
// characters, so that the repository never holds a string that looks like a
// live secret to a push-protection scanner.

const (
	upperChars  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lowerChars  = "abcdefghijklmnopqrstuvwxyz"
	digitChars  = "0123456789"
	alnumChars  = upperChars + lowerChars + digitChars
	b64Chars    = alnumChars + "+/"
	b64urlChars = alnumChars + "-_"
	hexChars    = "0123456789abcdef"
	base32Chars = upperChars + "234567"
)

// rnd returns n characters of alphabet, the same for the same seed.
func rnd(seed uint64, alphabet string, n int) string {
	r := rand.New(rand.NewPCG(seed, 0x5ec2e7))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func rndBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 0xb17e5))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// wrap splits s into lines of 64 characters, as PEM does.
func wrap(s string) string {
	var b strings.Builder
	for len(s) > 64 {
		b.WriteString(s[:64] + "\n")
		s = s[64:]
	}
	b.WriteString(s + "\n")
	return b.String()
}

// pemText returns a PEM block with the given label, headers and DER body.
func pemText(label, headers string, der []byte) string {
	return "-----" + "BEGIN " + label + "-----\n" + headers +
		wrap(base64.StdEncoding.EncodeToString(der)) + "-----END " + label + "-----\n"
}

// der returns a plausible DER body: a SEQUENCE header and random bytes.
func der(seed uint64, n int) []byte {
	return append([]byte{0x30, 0x82, byte(n >> 8), byte(n)}, rndBytes(seed, n)...)
}

// openSSHKey returns an OpenSSH private key body with the given cipher.
func openSSHKey(seed uint64, cipher string) []byte {
	b := []byte("openssh-key-v1\x00")
	b = binary.BigEndian.AppendUint32(b, uint32(len(cipher)))
	b = append(b, cipher...)
	return append(b, rndBytes(seed, 300)...)
}

func encURL(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

var (
	sampleAWSKeyID     = "AK" + "IA" + rnd(1, base32Chars, 16)
	sampleAWSSessionID = "AS" + "IA" + rnd(2, base32Chars, 16)
	sampleAWSSecret    = rnd(3, b64Chars, 40)
	sampleGitHubPAT    = "gh" + "p_" + rnd(4, alnumChars, 36)
	sampleGitHubApp    = "gh" + "s_" + rnd(5, alnumChars, 36)
	sampleGitHubFine   = "github" + "_pat_" + rnd(6, alnumChars, 22) + "_" + rnd(7, alnumChars, 59)
	sampleGitLab       = "gl" + "pat-" + rnd(8, alnumChars+"-_", 20)
	sampleSlackBot     = "xo" + "xb-" + rnd(9, digitChars, 12) + "-" + rnd(10, digitChars, 13) + "-" + rnd(11, alnumChars, 24)
	sampleSlackHook    = "https://hooks.slack.com/services/T" + rnd(12, upperChars+digitChars, 8) + "/B" + rnd(13, upperChars+digitChars, 10) + "/" + rnd(14, alnumChars, 24)
	sampleStripe       = "sk" + "_live_" + rnd(15, alnumChars, 99)
	sampleGoogleAPI    = "AI" + "za" + rnd(16, b64urlChars, 35)
	sampleNPM          = "np" + "m_" + rnd(17, alnumChars, 36)
	samplePyPI         = "py" + "pi-AgEIcHlwaS5vcmc" + rnd(18, b64urlChars, 160)
	sampleVault        = "hv" + "s." + rnd(19, b64urlChars, 90)
	sampleVaultShort   = "hv" + "s." + rnd(20, alnumChars, 24)
	sampleTwilioSID    = "S" + "K" + rnd(21, hexChars, 32)
	sampleTwilioToken  = rnd(22, hexChars, 32)
	sampleSendGrid     = "S" + "G." + rnd(23, b64urlChars, 22) + "." + rnd(24, b64urlChars, 43)
	sampleAzureKey     = rnd(25, b64Chars, 86) + "=="
	sampleAzureSAS     = rnd(26, b64Chars, 43) + "="
	sampleJWT          = encURL(`{"alg":"HS256","typ":"JWT"}`) + "." + encURL(`{"sub":"1234567890","name":"palisade","iat":1516239022}`) + "." + rnd(27, b64urlChars, 43)
	samplePassword     = "Zq7" + rnd(28, alnumChars, 9) + "#x"
	sampleDBPassword   = rnd(29, alnumChars, 20)

	sampleRSA      = pemText("RSA PRIVATE KEY", "", der(30, 1190))
	sampleEC       = pemText("EC PRIVATE KEY", "", der(31, 117))
	sampleDSA      = pemText("DSA PRIVATE KEY", "", der(32, 440))
	samplePKCS8    = pemText("PRIVATE KEY", "", der(33, 1212))
	sampleOpenSSH  = pemText("OPENSSH PRIVATE KEY", "", openSSHKey(34, "none"))
	sampleOpenSSHE = pemText("OPENSSH PRIVATE KEY", "", openSSHKey(35, "aes256-ctr"))
	samplePKCS8E   = pemText("ENCRYPTED PRIVATE KEY", "", der(36, 1290))
	sampleRSAE     = pemText("RSA PRIVATE KEY", "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,"+strings.ToUpper(rnd(37, hexChars, 32))+"\n\n", der(38, 1190))
	sampleCert     = pemText("CERTIFICATE", "", der(39, 800))
	samplePublic   = pemText("PUBLIC KEY", "", der(40, 290))

	sampleServiceAccount = `{
  "type": "service_account",
  "project_id": "palisade-test",
  "private_key_id": "` + rnd(41, hexChars, 40) + `",
  "private_key": "` + strings.ReplaceAll(samplePKCS8, "\n", `\n`) + `",
  "client_email": "scanner@palisade-test.iam.gserviceaccount.com",
  "client_id": "` + rnd(42, digitChars, 21) + `",
  "token_uri": "https://oauth2.googleapis.com/token"
}
`
	sampleDockerConfig = `{
	"auths": {
		"registry.palisade.dev": {
			"auth": "` + base64.StdEncoding.EncodeToString([]byte("robot:"+rnd(43, alnumChars, 24))) + `"
		}
	}
}
`
	sampleKubeconfig = `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://10.0.0.1:6443
  name: prod
users:
- name: admin
  user:
    token: ` + rnd(44, alnumChars, 6) + "." + rnd(45, alnumChars, 16) + `
- name: cert
  user:
    client-key-data: ` + base64.StdEncoding.EncodeToString([]byte(sampleEC)) + `
`
)
