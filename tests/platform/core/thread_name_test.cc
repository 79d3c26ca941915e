#include "platform/core/thread_name.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <future>
#include <string>
#include <thread>

#include "platform/core/work_pool.h"

namespace firstline::platform {
namespace {

std::string NameOfThisThread() {
  char name[16] = {};
  EXPECT_EQ(pthread_getname_np(pthread_self(), name, sizeof name), 0);
  return name;
}

TEST(ThreadNameTest, NamesTheCallingThreadKeepingTheFirst15Bytes) {
  std::string shown, long_shown;
  std::thread([&] {
    NameThisThread("offer-lane-3");
    shown = NameOfThisThread();
    NameThisThread("relay {ticket-dispatch:07}:outbox");
    long_shown = NameOfThisThread();
  }).join();
  EXPECT_EQ(shown, "offer-lane-3");
  EXPECT_EQ(long_shown, "relay {ticket-d");
}

TEST(ThreadNameTest, APoolsThreadsAreNamedByItsLastWordAndTheirNumber) {
  WorkPool pool("ticket-dispatch-rpc", 1, 10);
  std::promise<std::string> name;
  ASSERT_TRUE(pool.Submit([&] { name.set_value(NameOfThisThread()); }).ok());
  EXPECT_EQ(name.get_future().get(), "rpc-0");
}

}  // namespace
}  // namespace firstline::platform
