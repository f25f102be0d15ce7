//! Fuzz target `xftp_description`: the XFTP file description YAML parser never panics,
//! and anything it accepts re-encodes to text that parses to a fixed point.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(d) = xftp_desc::FileDescription::from_yaml(text) else {
        return;
    };
    let once = xftp_desc::FileDescription::from_yaml(&d.to_yaml()).expect("own YAML parses");
    let twice = xftp_desc::FileDescription::from_yaml(&once.to_yaml()).expect("own YAML parses");
    assert_eq!(once, twice);
    let _ = d.validate();
});
