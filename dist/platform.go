package dist

import (
	"strconv"
	"strings"
)

// Platform tags PyPI accepts verbatim. Plain "linux_*" tags describe a build
// tied to one machine's libraries and are refused, except the two ARM tags
// that Raspberry Pi wheels have long used.
var fixedPlatforms = map[string]bool{
	"any": true, "win32": true, "win_amd64": true, "win_arm64": true, "win_ia64": true,
	"manylinux1_x86_64": true, "manylinux1_i686": true,
	"manylinux2010_x86_64": true, "manylinux2010_i686": true,
	"manylinux2014_x86_64": true, "manylinux2014_i686": true, "manylinux2014_aarch64": true,
	"manylinux2014_armv7l": true, "manylinux2014_ppc64": true, "manylinux2014_ppc64le": true,
	"manylinux2014_s390x": true,
	"linux_armv6l":        true, "linux_armv7l": true,
}

var (
	macosxArches = set("ppc", "ppc64", "i386", "x86_64", "arm64", "intel", "fat", "fat3", "fat64",
		"universal", "universal2")
	macosxMajors   = set("10", "11", "12", "13", "14", "15", "16", "26")
	musllinuxArchs = set("x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64", "loongarch64")
	manylinuxArchs = set("x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64", "loongarch64", "ppc64")
	iosArches      = set("arm64", "x86_64")
	androidArches  = set("armeabi_v7a", "arm64_v8a", "x86", "x86_64")
)

func set(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, s := range items {
		m[s] = true
	}
	return m
}

// ValidPyPIPlatformTag reports whether a wheel may carry platform tag tag on
// PyPI: the fixed tags above, manylinux_X_Y_arch (PEP 600),
// musllinux_X_Y_arch (PEP 656), macosx_X_Y_arch, ios_X_Y_arch_sdk (PEP 730)
// and android_API_arch (PEP 738), each with its own list of architectures.
func ValidPyPIPlatformTag(tag string) bool {
	if fixedPlatforms[tag] {
		return true
	}
	switch {
	case strings.HasPrefix(tag, "manylinux_"):
		_, _, arch, ok := versionedPlatform(strings.TrimPrefix(tag, "manylinux_"))
		return ok && manylinuxArchs[arch]
	case strings.HasPrefix(tag, "musllinux_"):
		_, _, arch, ok := versionedPlatform(strings.TrimPrefix(tag, "musllinux_"))
		return ok && musllinuxArchs[arch]
	case strings.HasPrefix(tag, "macosx_"):
		major, _, arch, ok := versionedPlatform(strings.TrimPrefix(tag, "macosx_"))
		return ok && macosxMajors[major] && macosxArches[arch]
	case strings.HasPrefix(tag, "ios_"):
		_, _, rest, ok := versionedPlatform(strings.TrimPrefix(tag, "ios_"))
		if !ok {
			return false
		}
		for _, sdk := range []string{"_iphoneos", "_iphonesimulator"} {
			if arch, found := strings.CutSuffix(rest, sdk); found {
				return iosArches[arch]
			}
		}
		return false
	case strings.HasPrefix(tag, "android_"):
		api, arch, ok := strings.Cut(strings.TrimPrefix(tag, "android_"), "_")
		return ok && isNumber(api) && androidArches[arch]
	}
	return false
}

// versionedPlatform splits "X_Y_rest" into its two numbers and the rest.
func versionedPlatform(s string) (major, minor, rest string, ok bool) {
	major, s, ok1 := strings.Cut(s, "_")
	minor, rest, ok2 := strings.Cut(s, "_")
	if !ok1 || !ok2 || !isNumber(major) || !isNumber(minor) || rest == "" {
		return "", "", "", false
	}
	return major, minor, rest, true
}

func isNumber(s string) bool {
	if s == "" || len(s) > 9 {
		return false
	}
	_, err := strconv.Atoi(s)
	return err == nil && s[0] != '+' && s[0] != '-'
}
