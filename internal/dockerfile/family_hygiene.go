package dockerfile

// hygieneChecks are registered in Checks; see the rule files
// check_hyg_*.go. They give every meaning of hadolint's DL rules,
// BuildKit's build checks, Trivy's DS checks and Checkov's CKV_DOCKER
// checks that no other family covers a palisade rule (see crossref.go).
var hygieneChecks = []Check{
	checkMultipleInstructions,  // PAL-DF-100
	checkJSONArgs,              // PAL-DF-101
	checkMaintainer,            // PAL-DF-102
	checkDuplicateStage,        // PAL-DF-103
	checkReservedStage,         // PAL-DF-104
	checkStageCasing,           // PAL-DF-105
	checkFromAsCasing,          // PAL-DF-106
	checkInstructionCasing,     // PAL-DF-107
	checkEmptyContinuation,     // PAL-DF-108
	checkLegacyKeyValue,        // PAL-DF-109
	checkUndefinedFromArg,      // PAL-DF-110
	checkUndefinedVar,          // PAL-DF-111
	checkRedundantPlatform,     // PAL-DF-112
	checkConstPlatform,         // PAL-DF-113
	checkExposeProtoCasing,     // PAL-DF-114
	checkExposeFormat,          // PAL-DF-115
	checkExposeRange,           // PAL-DF-116
	checkExposeSSH,             // PAL-DF-117
	checkDefinitionDescription, // PAL-DF-118
	checkSudo,                  // PAL-DF-119
	checkPointlessCommand,      // PAL-DF-120
	checkRunCd,                 // PAL-DF-121
	checkAptYes,                // PAL-DF-122
	checkAptRecommends,         // PAL-DF-123
	checkAptLists,              // PAL-DF-124
	checkAptCLI,                // PAL-DF-125
	checkUpdateAlone,           // PAL-DF-126
	checkDistUpgrade,           // PAL-DF-127
	checkApkCache,              // PAL-DF-128
	checkYumYes,                // PAL-DF-129
	checkYumClean,              // PAL-DF-130
	checkDnfYes,                // PAL-DF-131
	checkDnfClean,              // PAL-DF-132
	checkZypperYes,             // PAL-DF-133
	checkZypperClean,           // PAL-DF-134
	checkPipCache,              // PAL-DF-135
	checkYarnCache,             // PAL-DF-136
	checkPinApt,                // PAL-DF-137
	checkPinPip,                // PAL-DF-138
	checkPinNpm,                // PAL-DF-139
	checkPinApk,                // PAL-DF-140
	checkPinGem,                // PAL-DF-141
	checkPinYum,                // PAL-DF-142
	checkPinZypper,             // PAL-DF-143
	checkPinDnf,                // PAL-DF-144
	checkPinGo,                 // PAL-DF-145
	checkAddLocal,              // PAL-DF-146
	checkCopyArchive,           // PAL-DF-147
	checkCopyDestSlash,         // PAL-DF-148
	checkCopyFromUnknown,       // PAL-DF-149
	checkCopyFromSelf,          // PAL-DF-150
	checkEnvSelfRef,            // PAL-DF-151
	checkCopyRelative,          // PAL-DF-152
	checkUseraddLog,            // PAL-DF-153
	checkWgetProgress,          // PAL-DF-154
	checkLabelKey,              // PAL-DF-155
	checkLabelMissing,          // PAL-DF-156
	checkLabelEmpty,            // PAL-DF-157
	checkLabelURL,              // PAL-DF-158
	checkLabelTime,             // PAL-DF-159
	checkLabelSPDX,             // PAL-DF-160
	checkLabelHash,             // PAL-DF-161
	checkLabelSemver,           // PAL-DF-162
	checkLabelEmail,            // PAL-DF-163
	checkNoHealthcheck,         // PAL-DF-164
	checkConsecutiveRun,        // PAL-DF-165
	checkWgetAndCurl,           // PAL-DF-166
	checkLnSh,                  // PAL-DF-167
	checkPipefail,              // PAL-DF-168
	checkInlineIgnore,          // PAL-DF-169
	checkCopyRootfs,            // PAL-DF-170
	checkCacheMount,            // PAL-DF-171
	checkCopyContext,           // PAL-DF-172
}
