#include "errorof.h"

#include "common/error.h"

namespace loupe::test {

QString errorOf(const std::function<void()> &action)
{
    try {
        action();
    } catch (const Error &error) {
        return error.message();
    }
    return {};
}

} // namespace loupe::test
