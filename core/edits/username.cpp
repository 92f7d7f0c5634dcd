#include "edits/username.h"

#include <pwd.h>
#include <unistd.h>

namespace loupe {

QString currentUserName()
{
    // The password database first: $USER is whatever the environment says (sudo, containers).
    if (const passwd *entry = ::getpwuid(::geteuid()); entry && entry->pw_name)
        return QString::fromLocal8Bit(entry->pw_name);
    return qEnvironmentVariable("USER");
}

} // namespace loupe
