//! Uses the plain features of twilio-push-wasm natively: the token core, the batch, a request
//! builder, response parsing and a proxy decision.

#[cfg(test)]
mod tests {
    use twilio_push_wasm::api::model::RegisterDeviceParams;
    use twilio_push_wasm::api::response::{parse_response_at, ApiResult};
    use twilio_push_wasm::api::{device_registrations, ApiConfig, Auth, Operation};
    use twilio_push_wasm::batch::{inspect_lines, BatchOptions};
    use twilio_push_wasm::proxy::{Head, Incoming, Proxy, ProxyConfig};
    use twilio_push_wasm::token::{self, Provider};

    const HEX: &str = "965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2b";

    #[test]
    fn token_core_and_batch() {
        assert_eq!(token::normalize(&HEX.to_uppercase(), None).unwrap(), HEX);
        assert!(token::normalize("nope", Some(Provider::Apn)).is_err());
        let text = [HEX, &HEX.to_uppercase(), "x"].join("\n");
        let report = inspect_lines(&text, BatchOptions::default());
        assert_eq!(report.valid, 2, "{report:?}");
        assert_eq!(report.duplicates, 1, "{report:?}");
        assert_eq!(report.invalid, 1, "{report:?}");
    }

    #[test]
    fn builder_and_response() {
        let config = ApiConfig::new(
            "https://comms.twilio.com/v1",
            Some(Auth::Basic {
                username: "ACxxx".into(),
                password: "secret".into(),
            }),
        )
        .unwrap();
        let params = RegisterDeviceParams {
            app_name: "my_app".into(),
            token: HEX.to_uppercase(),
            provider: Provider::Apn,
            user_id: None,
        };
        let request = device_registrations::register(&params, &config).unwrap();
        assert_eq!(request.method, "POST");
        assert_eq!(
            request.url,
            "https://comms.twilio.com/v1/PushNotifications/DeviceRegistrations"
        );
        assert!(request.body.as_deref().unwrap().contains(HEX));
        assert_eq!(request.header("Authorization"), Some("Basic QUN4eHg6c2VjcmV0"));

        let body = r#"{"resourceId":"dr_1","resourceLocation":"/x/dr_1"}"#;
        match parse_response_at(Operation::RegisterDevice, 201, &[], body, 0).unwrap() {
            ApiResult::Resource(r) => assert_eq!(r.resource_id.as_deref(), Some("dr_1")),
            other => panic!("{other:?}"),
        }
        let error = parse_response_at(Operation::RegisterDevice, 429, &[], "{}", 0).unwrap_err();
        assert_eq!(error.code(), "API_ERROR");
    }

    #[test]
    fn proxy_decision() {
        let proxy = Proxy::new(ProxyConfig::from_env(&|_| None).unwrap());
        let headers = Vec::new();
        let head = proxy.head(&Incoming {
            method: "GET",
            path: "/api/v1/nowhere",
            query: "",
            own_origin: "https://example.com",
            headers: &headers,
        });
        match head {
            Head::Respond(r) => assert_eq!(r.status, 404),
            other => panic!("{other:?}"),
        }
    }
}
