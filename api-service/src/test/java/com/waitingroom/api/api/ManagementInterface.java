package com.waitingroom.api.api;

import com.waitingroom.testsupport.TestPorts;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import java.net.URI;

/** The management interface (health, metrics, OpenAPI; no token) of the service under test. */
public final class ManagementInterface {

    private ManagementInterface() {
    }

    public static int port() {
        return TestPorts.management();
    }

    public static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** RestAssured aimed at the management interface. */
    public static RequestSpecification given() {
        return RestAssured.given().port(port());
    }
}
