#!/bin/sh
# nbgrader's exchange on one server (docs/classroom.md), as root:
#
#     deploy/hub/setup-exchange.sh INSTRUCTOR [EXCHANGE [COURSE_ID]]
#
# EXCHANGE (default /srv/nbgrader/exchange) is the folder every user must write, as nbgrader's
# documentation asks, but with the sticky bit (1777, as /tmp): a student may not rename or
# remove what another user put there. The course's folder in it (COURSE_ID, default backprop) is
# made INSTRUCTOR's right away (0755), so no student can take that name first and release
# assignments of their own under it. `nbgrader release_assignment` then makes inbound/ (students
# may write, not list), outbound/ (everyone reads) and feedback/ (found only by its hashed name).
set -eu
if [ "$#" -lt 1 ]; then
    echo "usage: $0 INSTRUCTOR [EXCHANGE [COURSE_ID]]" >&2
    exit 2
fi
instructor=$1
exchange=${2:-/srv/nbgrader/exchange}
course=${3:-backprop}
if ! id -u "$instructor" >/dev/null 2>&1; then
    echo "$0: no user '$instructor' on this machine (the course's instructor: create it first)" >&2
    exit 1
fi
mkdir -p "$exchange"
chown root:root "$exchange"
chmod 1777 "$exchange"
if [ -e "$exchange/$course" ] && [ "$(stat -c %U "$exchange/$course")" != "$instructor" ]; then
    echo "$0: $exchange/$course exists and belongs to $(stat -c %U "$exchange/$course"), not" \
         "$instructor: check what is in it, remove it, and run again" >&2
    exit 1
fi
mkdir -p "$exchange/$course"
chown "$instructor:" "$exchange/$course"
chmod 0755 "$exchange/$course"
echo "exchange $exchange (1777), course folder $exchange/$course ($instructor, 0755)"
