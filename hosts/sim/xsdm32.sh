#!/bin/sh
# The 32-bit simulator host: runs xsdm32.bin directly where the kernel executes i386
# binaries, otherwise under qemu-i386 (Debian's qemu-user) with the host's own i386 libraries.
bin="$(dirname "$(readlink -f "$0")")/xsdm32.bin"
if "$bin" --probe-32 2>/dev/null; then exec "$bin" "$@"; fi
exec qemu-i386 -L / "$bin" "$@"
