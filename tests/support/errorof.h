#pragma once

#include <QString>

#include <functional>

namespace loupe::test {

/** The message of the loupe::Error that action throws; empty when it throws none. */
QString errorOf(const std::function<void()> &action);

} // namespace loupe::test
