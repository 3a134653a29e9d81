package com.waitingroom.projection;

import java.util.List;

/** What the application under test logged at or above a level since this window was opened. */
interface LogLines extends AutoCloseable {

    List<CapturedLog.Line> lines();

    @Override
    void close();
}
