#pragma once

#include <QString>

namespace loupe {

/**
 * Who is editing: the operating-system account, recorded with every label edit and
 * review mark so the edit log can say who changed what. Empty when it cannot be found.
 */
QString currentUserName();

} // namespace loupe
