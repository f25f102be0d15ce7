//! The literal vectors of the reference's `tests/AgentTests/ConnectionRequestTests.hs`
//! (simplexmq 92598c2), tests "should serialize and parse SMP queue URIs", "… connection
//! invitations and contact addresses", "… as binary", "should serialize / parse short
//! links" and "should shorten / restore short links".
//!
//! The reference builds its strings with `urlEncode True` (`url`); the constants below
//! are those strings written out in full (percent-encoded with upper-case hex, only
//! `A-Z a-z 0-9 - _ . ~` left as they are).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agent_proto::conn_request::{ConnReqData, ConnectionRequest};
use agent_proto::e2e_params::E2ERatchetParamsUri;
use agent_proto::queue_uri::{QueueAddress, SmpQueueUri};
use agent_proto::relay::RelayAddr;
use agent_proto::short_link::{ContactType, LinkKey, ShortLink, ShortLinkScheme};
use agent_proto::versions::{AGENT_RANGE, SMP_CLIENT_RANGE};
use simplex_crypto::{X448Public, X25519Public};
use simplex_encoding::{Decode, Encode, Short, VersionRange, base64url};
use smp_proto::EntityId;
use smp_proto::command::QueueMode;

const QUEUE_STR: &str = "smp://1234-w==@smp.simplex.im:5223/3456-w==#/?v=1-4&dh=MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%3D&q=m&k=s&srv=jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const QUEUE_STR_NO_QM: &str = "smp://1234-w==@smp.simplex.im:5223/3456-w==#/?v=1-4&dh=MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%3D&srv=jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const QUEUE_STR_CONTACT: &str = "smp://1234-w==@smp.simplex.im:5223/3456-w==#/?v=1-4&dh=MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%3D&q=c&srv=jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const QUEUE1_STR: &str = "smp://1234-w==@smp.simplex.im:5223/3456-w==#/?v=1-4&dh=MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%3D&q=m&k=s";
const QUEUE_NEW_STR: &str = "smp://1234-w==@smp.simplex.im,jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion:5223/3456-w==#/?v=2-4&dh=MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%3D&q=m&k=s";
const QUEUE_NEW_STR_RAW_DH: &str = "smp://1234-w==@smp.simplex.im,jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion:5223/3456-w==#/?v=2-4&dh=MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o=&q=m&k=s";
const QUEUE_NEW1_STR: &str = "smp://1234-w==@smp.simplex.im:5223/3456-w==#/?v=2-4&dh=MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%3D&q=m&k=s";
const Q_EXTRA: &str = "smp://1234-w==@smp.simplex.im:5223/3456-w==#MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o=/?v=1-4&extra_param=abc&srv=jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion&q=m&k=s";
const Q_NEW_NO_PORT: &str = "smp://1234-w==@smp.simplex.im,jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion/3456-w==#/?v=2-4&dh=MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%3D&q=m&k=s";
const Q_NEW1_NO_PORT: &str = "smp://1234-w==@smp.simplex.im/3456-w==#/?v=2-4&dh=MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%3D&q=m&k=s";
const Q_V1: &str = "smp://1234-w==@smp.simplex.im:5223/3456-w==#/?v=1&dh=MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%3D&srv=jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const Q_V1_UNVERSIONED: &str = "smp://1234-w==@smp.simplex.im,jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion:5223/3456-w==#MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o=";
const Q_V1_EXTRA_FIRST: &str = "smp://1234-w==@smp.simplex.im:5223/3456-w==#/?extra_param=abc&v=1&dh=MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o=&srv=jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const Q_V1_INLINE_DH: &str = "smp://1234-w==@smp.simplex.im:5223/3456-w==#MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o=/?v=1&extra_param=abc&srv=jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const Q_V1_NO_PORT: &str = "smp://1234-w==@smp.simplex.im/3456-w==#/?v=1&dh=MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%3D&srv=jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const Q_V1_NO_PORT_1_1: &str = "smp://1234-w==@smp.simplex.im/3456-w==#/?v=1-1&dh=MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%3D&srv=jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const Q_V1_NO_PORT_UNVERSIONED: &str = "smp://1234-w==@smp.simplex.im,jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion/3456-w==#MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o=";
const INV: &str = "simplex:/invitation#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion&e2e=v%3D1%26x3dh%3DMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D%2CMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D";
const INV_HTTPS: &str = "https://simplex.chat/invitation#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion&e2e=v%3D1%26x3dh%3DMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D%2CMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D";
const INV_NO_QM: &str = "simplex:/invitation#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion&e2e=v%3D1%26x3dh%3DMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D%2CMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D";
const INV_1: &str = "simplex:/invitation#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds&e2e=v%3D1%26x3dh%3DMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D%2CMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D";
const INV_2Q: &str = "simplex:/invitation#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion%3Bsmp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion&e2e=v%3D1%26x3dh%3DMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D%2CMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D";
const INV_NEW: &str = "simplex:/invitation#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%2Cjjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D2-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds&e2e=v%3D1%26x3dh%3DMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D%2CMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D";
const INV_NEW1: &str = "simplex:/invitation#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D2-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds&e2e=v%3D1%26x3dh%3DMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D%2CMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D";
const INV_2Q_NEW: &str = "simplex:/invitation#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%2Cjjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D2-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%3Bsmp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%2Cjjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D2-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds&e2e=v%3D1%26x3dh%3DMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D%2CMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D";
const INV_V1_HTTPS: &str = "https://simplex.chat/invitation#/?v=1&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion&e2e=v%3D1%26x3dh%3DMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D%2CMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D";
const INV_DATA_EMPTY: &str = "simplex:/invitation#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion&e2e=v%3D1%26x3dh%3DMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D%2CMEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U%3D&data=%7B%7D";
const CON: &str = "simplex:/contact#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const CON_HTTPS: &str = "https://simplex.chat/contact#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const CON_2Q: &str = "simplex:/contact#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion%3Bsmp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const CON_NEW: &str = "simplex:/contact#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%2Cjjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D2-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds";
const CON_2Q_NEW: &str = "simplex:/contact#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%2Cjjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D2-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%3Bsmp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%2Cjjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D2-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds";
const CON_V2: &str = "simplex:/contact#/?v=2&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const CON_V1_HTTPS: &str = "https://simplex.chat/contact#/?v=1&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const CON_V1_2_HTTPS: &str = "https://simplex.chat/contact#/?v=1-2&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const CON_V2_2_HTTPS: &str = "https://simplex.chat/contact#/?v=2-2&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
const CON_DATA: &str = "simplex:/contact#/?v=2-7&smp=smp%3A%2F%2F1234-w%3D%3D%40smp.simplex.im%3A5223%2F3456-w%3D%3D%23%2F%3Fv%3D1-4%26dh%3DMCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o%253D%26q%3Dm%26k%3Ds%26srv%3Djjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion&data=%7B%22type%22%3A%22group_link%22%2C%20%22group_link_id%22%3A%22abc%22%7D";

const ONION: &str = "jjbyvoemxysm7qxap7m5d5m35jzv5qq6gnlv7s4rsn7tdwwmuqciwpid.onion";
/// `testDhKey` (X25519 SPKI, given in the reference in standard base64).
const TEST_DH_KEY: &str = "MCowBQYDK2VuAyEAjiswwI3O_NlS8Fk3HJUW870EY2bAwmttMBsvRB9eV3o=";
/// `testDhPubKey` (X448 SPKI).
const TEST_X448_KEY: &str =
    "MEIwBQYDK2VvAzkAmKuSYeQ_m0SixPDS8Wq8VBaTS1cW-Lp0n0h4Diu-kUpR-qXx4SDJ32YGEFoGFGSbGPry5Ychr6U=";
/// `LinkKey "0123456789abcdef0123456789abcdef"`.
const LINK_KEY: &[u8; 32] = b"0123456789abcdef0123456789abcdef";

fn vr(a: u16, b: u16) -> VersionRange {
    VersionRange::new(a, b).unwrap()
}

fn srv_with(hosts: &[&str], port: &str, key_hash: &[u8]) -> RelayAddr {
    RelayAddr {
        hosts: hosts.iter().map(|h| (*h).to_owned()).collect(),
        port: port.to_owned(),
        key_hash: Short::from_slice(key_hash).unwrap(),
    }
}

/// `KeyHash "\215m\248\251"`, written `1234-w==`.
const KH: &[u8] = b"\xd7m\xf8\xfb";

fn srv() -> RelayAddr {
    srv_with(&["smp.simplex.im", ONION], "5223", KH)
}

fn srv1() -> RelayAddr {
    srv_with(&["smp.simplex.im"], "5223", KH)
}

fn short_srv() -> RelayAddr {
    srv_with(&["smp.simplex.im"], "", b"")
}

fn srv_onion() -> RelayAddr {
    srv_with(&[ONION], "", KH)
}

fn srv2() -> RelayAddr {
    srv_with(&["smp2.simplex.im", ONION], "", KH)
}

fn queue_addr(server: RelayAddr, queue_mode: Option<QueueMode>) -> QueueAddress {
    let der = base64url::decode(TEST_DH_KEY).unwrap();
    QueueAddress {
        server,
        sender_id: EntityId::new(b"\xdf\x8ez\xfb").unwrap(),
        dh_key: X25519Public::from_spki(&der).unwrap(),
        queue_mode,
    }
}

fn quri(versions: VersionRange, addr: QueueAddress) -> SmpQueueUri {
    SmpQueueUri { versions, addr }
}

fn queue() -> SmpQueueUri {
    quri(
        SMP_CLIENT_RANGE,
        queue_addr(srv(), Some(QueueMode::Messaging)),
    )
}

fn queue_new() -> SmpQueueUri {
    quri(vr(2, 4), queue_addr(srv(), Some(QueueMode::Messaging)))
}

fn queue_new1() -> SmpQueueUri {
    quri(vr(2, 4), queue_addr(srv1(), Some(QueueMode::Messaging)))
}

fn queue_v1(port: &str) -> SmpQueueUri {
    let server = srv_with(&["smp.simplex.im", ONION], port, KH);
    quri(vr(1, 1), queue_addr(server, None))
}

fn with_port(mut q: SmpQueueUri, port: &str) -> SmpQueueUri {
    q.addr.server.port = port.to_owned();
    q
}

/// Parses `s` to `v` (the reference's `#==`).
fn parses_to(s: &str, v: &SmpQueueUri) {
    assert_eq!(&SmpQueueUri::parse_text(s).unwrap(), v, "{s}");
}

/// Parses `s` to `v` and prints `v` as `s` (the reference's `#==#`).
fn round_trips(s: &str, v: &SmpQueueUri) {
    parses_to(s, v);
    assert_eq!(v.to_text(), s);
}

#[test]
fn smp_queue_uris() {
    let q = queue();
    round_trips(QUEUE_STR, &q);
    parses_to(Q_EXTRA, &q);
    let no_qm = quri(SMP_CLIENT_RANGE, queue_addr(srv(), None));
    round_trips(QUEUE_STR_NO_QM, &no_qm);
    let contact = quri(
        SMP_CLIENT_RANGE,
        queue_addr(srv(), Some(QueueMode::Contact)),
    );
    round_trips(QUEUE_STR_CONTACT, &contact);
    let q1 = quri(
        SMP_CLIENT_RANGE,
        queue_addr(srv1(), Some(QueueMode::Messaging)),
    );
    round_trips(QUEUE1_STR, &q1);
    round_trips(QUEUE_NEW_STR, &queue_new());
    parses_to(QUEUE_NEW_STR_RAW_DH, &queue_new());
    round_trips(QUEUE_NEW1_STR, &queue_new1());
    round_trips(Q_NEW_NO_PORT, &with_port(queue_new(), ""));
    round_trips(Q_NEW1_NO_PORT, &with_port(queue_new1(), ""));
    round_trips(Q_V1, &queue_v1("5223"));
    parses_to(Q_V1_UNVERSIONED, &queue_v1("5223"));
    parses_to(Q_V1_EXTRA_FIRST, &queue_v1("5223"));
    parses_to(Q_V1_INLINE_DH, &queue_v1("5223"));
    round_trips(Q_V1_NO_PORT, &queue_v1(""));
    parses_to(Q_V1_NO_PORT_1_1, &queue_v1(""));
    parses_to(Q_V1_NO_PORT_UNVERSIONED, &queue_v1(""));
}

#[test]
fn malformed_queue_uris_and_links() {
    for bad in [
        format!("{QUEUE_STR} "),
        QUEUE_STR.replace("&q=m", "&q=m x"),
        QUEUE_STR.replace("v=1-4", "v=4-1"),
        QUEUE_STR.replace("&dh=", "&dhx="),
        QUEUE_STR.replace("1234-w==@", "1234-w==:pass@"),
        QUEUE_STR.replace("/3456-w==#", "/#"),
        QUEUE_STR.replace(":5223", ":99999"),
        QUEUE_STR.replace("#/?", "#/"),
    ] {
        assert!(SmpQueueUri::parse_text(&bad).is_err(), "{bad}");
    }
    for bad in [
        format!("{INV}\n"),
        INV.replace("/invitation#", "/invite#"),
        INV.replace("&e2e=", "&e2f="),
        INV.replace("v=2-7", "v=x"),
        INV_2Q.replace("%3B", "%3B%3B"),
    ] {
        assert!(ConnectionRequest::parse_text(&bad).is_err(), "{bad}");
    }
}

fn e2e() -> E2ERatchetParamsUri {
    let der = base64url::decode(TEST_X448_KEY).unwrap();
    let k = X448Public::from_spki(&der).unwrap();
    E2ERatchetParamsUri {
        versions: vr(1, 1),
        k1: k.clone(),
        k2: k,
        kem: None,
    }
}

fn data(agent_versions: VersionRange, queues: Vec<SmpQueueUri>) -> ConnReqData {
    ConnReqData {
        agent_versions,
        queues,
        client_data: None,
    }
}

fn inv(data: ConnReqData) -> ConnectionRequest {
    ConnectionRequest::Invitation { data, e2e: e2e() }
}

fn con(data: ConnReqData) -> ConnectionRequest {
    ConnectionRequest::Contact { data }
}

fn link_parses_to(s: &str, v: &ConnectionRequest) {
    assert_eq!(&ConnectionRequest::parse_text(s).unwrap(), v, "{s}");
}

fn link_round_trips(s: &str, v: &ConnectionRequest) {
    link_parses_to(s, v);
    assert_eq!(v.to_text(), s);
}

fn no_qm_queue() -> SmpQueueUri {
    quri(SMP_CLIENT_RANGE, queue_addr(srv(), None))
}

fn q1() -> SmpQueueUri {
    quri(
        SMP_CLIENT_RANGE,
        queue_addr(srv1(), Some(QueueMode::Messaging)),
    )
}

#[test]
fn invitations_and_contact_addresses() {
    let d = |qs: Vec<SmpQueueUri>| data(AGENT_RANGE, qs);
    link_round_trips(INV, &inv(d(vec![queue()])));
    link_parses_to(INV_HTTPS, &inv(d(vec![queue()])));
    link_round_trips(INV_NO_QM, &inv(d(vec![no_qm_queue()])));
    link_round_trips(INV_1, &inv(d(vec![q1()])));
    link_round_trips(INV_2Q, &inv(d(vec![queue(), queue()])));
    link_round_trips(INV_NEW, &inv(d(vec![queue_new()])));
    link_round_trips(INV_NEW1, &inv(d(vec![queue_new1()])));
    link_round_trips(INV_2Q_NEW, &inv(d(vec![queue_new(), queue_new()])));
    link_parses_to(INV_V1_HTTPS, &inv(data(vr(1, 1), vec![queue()])));
    let mut with_data = d(vec![queue()]);
    with_data.client_data = Some("{}".to_owned());
    link_round_trips(INV_DATA_EMPTY, &inv(with_data));
    link_round_trips(CON, &con(d(vec![queue()])));
    link_parses_to(CON_HTTPS, &con(d(vec![queue()])));
    link_round_trips(CON_2Q, &con(d(vec![queue(), queue()])));
    link_round_trips(CON_NEW, &con(d(vec![queue_new()])));
    link_round_trips(CON_2Q_NEW, &con(d(vec![queue_new(), queue_new()])));
    let v2 = con(data(vr(2, 2), vec![queue()]));
    link_round_trips(CON_V2, &v2);
    // Old contact links are adjusted to agent v2.
    link_parses_to(CON_V1_HTTPS, &v2);
    link_parses_to(CON_V1_2_HTTPS, &v2);
    link_parses_to(CON_V2_2_HTTPS, &v2);
    let mut group = d(vec![queue()]);
    group.client_data = Some(r#"{"type":"group_link", "group_link_id":"abc"}"#.to_owned());
    link_round_trips(CON_DATA, &con(group));
}

fn binary_round_trip<T: Encode + Decode + PartialEq + std::fmt::Debug>(v: &T) {
    assert_eq!(&T::from_bytes(&v.to_bytes()).unwrap(), v);
}

#[test]
fn binary_round_trips() {
    let v1 = queue_v1("5223");
    for q in [
        queue(),
        no_qm_queue(),
        q1(),
        queue_new(),
        queue_new1(),
        with_port(queue_new(), ""),
        with_port(queue_new1(), ""),
        v1.clone(),
        queue_v1(""),
    ] {
        binary_round_trip(&q);
    }
    // As in the reference, a contact queue with min version < 3 loses its mode in binary.
    let contact = quri(
        SMP_CLIENT_RANGE,
        queue_addr(srv(), Some(QueueMode::Contact)),
    );
    let back = SmpQueueUri::from_bytes(&contact.to_bytes()).unwrap();
    assert_eq!(back.addr.queue_mode, None);
    let d = |qs: Vec<SmpQueueUri>| data(AGENT_RANGE, qs);
    let mut with_data = d(vec![queue()]);
    with_data.client_data = Some("{}".to_owned());
    for cr in [
        inv(d(vec![queue()])),
        con(d(vec![quri(
            SMP_CLIENT_RANGE,
            queue_addr(srv(), Some(QueueMode::Contact)),
        )])),
        inv(d(vec![q1()])),
        inv(d(vec![queue(), queue()])),
        inv(d(vec![queue_new()])),
        inv(d(vec![queue_new1()])),
        inv(d(vec![queue_new(), queue_new()])),
        inv(with_data),
        con(d(vec![queue()])),
        con(d(vec![queue(), queue()])),
        con(d(vec![queue_new()])),
        con(d(vec![queue_new(), queue_new()])),
        con(data(vr(2, 2), vec![queue()])),
    ] {
        binary_round_trip(&cr);
    }
    // Queues without a mode come back as contact queues (the reference's patch).
    let no_qm = inv(d(vec![no_qm_queue()]));
    let back = ConnectionRequest::from_bytes(&no_qm.to_bytes()).unwrap();
    assert_eq!(
        back.data().queues[0].addr.queue_mode,
        Some(QueueMode::Contact)
    );
}

fn contact(server: RelayAddr, t: ContactType, scheme: ShortLinkScheme) -> ShortLink {
    ShortLink::Contact {
        scheme,
        contact_type: t,
        server,
        key: LinkKey(*LINK_KEY),
    }
}

fn invitation(server: RelayAddr, scheme: ShortLinkScheme) -> ShortLink {
    ShortLink::Invitation {
        scheme,
        server,
        link_id: EntityId::new(b"0123456789abcdef01234567").unwrap(),
        key: LinkKey(*LINK_KEY),
    }
}

fn short_round_trips(l: &ShortLink, s: &str) {
    assert_eq!(l.to_text(), s);
    assert_eq!(&ShortLink::parse_text(s).unwrap(), l, "{s}");
}

#[test]
fn short_links() {
    use ContactType::{Contact, Group};
    use ShortLinkScheme::{Server, Simplex};
    let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY";
    let id = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3";
    let q = format!("h={ONION}&p=5223&c=1234-w");
    let qs = format!("h=smp.simplex.im%2C{ONION}&p=5223&c=1234-w");
    let cases = [
        (
            contact(srv(), Contact, Server),
            format!("https://smp.simplex.im/a#{key}?{q}"),
        ),
        (
            contact(srv(), Group, Server),
            format!("https://smp.simplex.im/g#{key}?{q}"),
        ),
        (
            contact(short_srv(), Contact, Server),
            format!("https://smp.simplex.im/a#{key}"),
        ),
        (
            invitation(srv(), Server),
            format!("https://smp.simplex.im/i#{id}/{key}?{q}"),
        ),
        (
            invitation(short_srv(), Server),
            format!("https://smp.simplex.im/i#{id}/{key}"),
        ),
        (
            contact(srv(), Contact, Simplex),
            format!("simplex:/a#{key}?{qs}"),
        ),
        (
            contact(srv(), Group, Simplex),
            format!("simplex:/g#{key}?{qs}"),
        ),
        (
            contact(short_srv(), Contact, Simplex),
            format!("simplex:/a#{key}?h=smp.simplex.im"),
        ),
        (
            invitation(srv(), Simplex),
            format!("simplex:/i#{id}/{key}?{qs}"),
        ),
        (
            invitation(short_srv(), Simplex),
            format!("simplex:/i#{id}/{key}?h=smp.simplex.im"),
        ),
    ];
    for (l, s) in &cases {
        short_round_trips(l, s);
    }
    // Upper-case type letters are read too; link ids and keys may carry padding.
    let upper = format!("https://smp.simplex.im/G#{key}=?{q}");
    assert_eq!(
        ShortLink::parse_text(&upper).unwrap(),
        contact(srv(), Group, Server)
    );
    for bad in [
        format!("https://smp.simplex.im/x#{key}"),
        format!("https://smp.simplex.im/I#{id}/{key}"),
        format!("simplex:/a#{key}"),
        format!("https://smp.simplex.im/i#{key}"),
        format!("https://smp.simplex.im/a#{id}"),
        format!("https://smp.simplex.im/a#{key}?p=x"),
        format!("https://smp.simplex.im/a#{key}?{q} "),
        format!("https://smp.simplex.im/a#{key}#"),
    ] {
        assert!(ShortLink::parse_text(&bad).is_err(), "{bad}");
    }
}

#[test]
fn shorten_and_restore() {
    let c = |s: RelayAddr| contact(s, ContactType::Contact, ShortLinkScheme::Server);
    let presets = [srv()];
    assert_eq!(c(srv()).shorten(&presets), c(short_srv()));
    // An onion-only host of a preset relay is not shortened.
    assert_eq!(c(srv_onion()).shorten(&presets), c(srv_onion()));
    // Only the public host of a preset relay is shortened.
    assert_eq!(c(srv1()).shorten(&presets), c(short_srv()));
    assert_eq!(c(srv2()).shorten(&presets), c(srv2()));
    assert_eq!(c(short_srv()).restore(&presets), c(srv()));
    // A public host with a key hash is left alone.
    assert_eq!(c(srv1()).restore(&presets), c(srv1()));
    assert_eq!(c(short_srv()).restore(&[srv2()]), c(short_srv()));
    assert_eq!(c(srv2()).restore(&presets), c(srv2()));

    let preset =
        RelayAddr::parse_text("smp://LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI=@localhost:7001")
            .unwrap();
    let presets = [preset];
    let lnk = ShortLink::parse_text("https://localhost/a#4AkRDmhf64tdRlN406g8lJRg5OCmhD6ynIhi6glOcCM?p=7001&c=LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI").unwrap();
    let lnk_short =
        ShortLink::parse_text("https://localhost/a#4AkRDmhf64tdRlN406g8lJRg5OCmhD6ynIhi6glOcCM")
            .unwrap();
    assert_eq!(lnk.clone().shorten(&presets), lnk_short);
    assert_eq!(lnk_short.restore(&presets), lnk);
    let inv = ShortLink::parse_text("https://localhost/i#tnUaHYp8saREmyEHR93SBpl8ySHBchOt/LJ1ZQUzxH9Udb0jw5wmJACv5o6oe8e7BsX_hUCUMTSY?p=7001&c=LcJUMfVhwD8yxjAiSaDzzGF3-kLG4Uh0Fl_ZIjrRwjI").unwrap();
    let inv_short = ShortLink::parse_text("https://localhost/i#tnUaHYp8saREmyEHR93SBpl8ySHBchOt/LJ1ZQUzxH9Udb0jw5wmJACv5o6oe8e7BsX_hUCUMTSY").unwrap();
    assert_eq!(inv.clone().shorten(&presets), inv_short);
    assert_eq!(inv_short.restore(&presets), inv);
}
