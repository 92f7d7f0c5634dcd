#pragma once

#include <QString>

namespace loupe {

/**
 * Quotes an SQL identifier ("name", with embedded quotes doubled), so that any metadata
 * column name, however odd, can appear in a statement or in a slice's condition.
 */
QString quoteSqlIdentifier(const QString &name);

} // namespace loupe
