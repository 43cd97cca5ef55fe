package dockerfile

// integrityChecks are registered in Checks; see the rule files check_*.go.
// They implement two sub-controls of app.dockerfile-lint: package-manager
// integrity (family "package-managers", PAL-DF-030 to PAL-DF-059) and
// secrets in image layers (family "secrets", PAL-DF-080 to PAL-DF-099).
var integrityChecks = []Check{
	checkAptUnauthenticated,
	checkAptKeyGlobalTrust,
	checkRpmNoGpgCheck,
	checkApkUntrusted,
	checkPipInsecure,
	checkNodeTLSDisabled,
	checkGitSSLNoVerify,
	checkGoInsecure,
	checkInsecureDownload,
	checkPipeToShell,
	checkAddRemoteUnpinned,
	checkUnverifiedDownload,

	checkSecretFileRemovedLater,
	checkSecretFileCopied,
	checkSecretInArgEnv,
	checkSecretInRun,
}
