-- Pinghu command-centre cockpit: the data contract, version 1.3.0.
--
-- The single source of truth for what the cockpit reads. On the operational database a DBA
-- provides these relations in schema `cockpit` (as views over the operational tables); in the
-- demo they are plain tables. Constraints here are documentation for the demo tables: the
-- cockpit never relies on them (views cannot carry them) and treats every row as untrusted.
--
-- Conventions
--   *_at      timestamptz (shown in Asia/Shanghai)
--   *_code    text codes; allowed values live in the lookup relations
--   lat / lon WGS-84 (CGCS2000) decimal degrees; never GCJ-02 or BD-09
--   *_tonnes, *_km2, *_m, *_minutes, *_hours carry their unit in the name
-- See docs/data-contract.md for the meaning of every column.

CREATE SCHEMA IF NOT EXISTS cockpit;

-- ---------------------------------------------------------------- meta
CREATE TABLE cockpit.contract_version (
    version     text        NOT NULL,           -- semantic version of this contract, e.g. 1.0.0
    applied_at  timestamptz NOT NULL,           -- when this version was applied to the database
    is_demo     boolean     NOT NULL DEFAULT false  -- true when the relations hold generated demo data
);

CREATE TABLE cockpit.work_calendar (
    day         date    PRIMARY KEY,            -- calendar day, Asia/Shanghai
    is_workday  boolean NOT NULL,               -- official working day (holidays false, make-up days true)
    am_start    time,                           -- working hours of the day (local time), null on rest days
    am_end      time,
    pm_start    time,
    pm_end      time,
    note        text                            -- holiday or make-up day name
);

-- ---------------------------------------------------------------- places and organisation
CREATE TABLE cockpit.town (
    town_code     text PRIMARY KEY,             -- 9-digit division code, e.g. 330482001 (经开: 330482400)
    name_zh       text NOT NULL,
    name_en       text NOT NULL,
    seat_lat      double precision,             -- seat of government
    seat_lon      double precision,
    boundary      jsonb,                        -- GeoJSON (Multi)Polygon, WGS-84
    area_km2      double precision
);

CREATE TABLE cockpit.squadron (
    squadron_code text PRIMARY KEY,             -- e.g. SQ-ZS (直属中队)
    name_zh       text NOT NULL,
    name_en       text NOT NULL,
    town_code     text                          -- the town it covers, null for 直属中队
);

CREATE TABLE cockpit.department (
    dept_code     text PRIMARY KEY,             -- handling body: squadrons and partner departments
    name_zh       text NOT NULL,
    name_en       text NOT NULL,
    kind          text NOT NULL                 -- squadron | partner
);

CREATE TABLE cockpit.community (
    community_code text PRIMARY KEY,            -- town_code + 3-digit serial
    town_code      text NOT NULL,
    name_zh        text NOT NULL
);

CREATE TABLE cockpit.unit_grid (
    grid_code      text PRIMARY KEY,            -- community_code + 2-digit serial (14 digits)
    community_code text NOT NULL,
    town_code      text NOT NULL,
    squadron_code  text NOT NULL,               -- responsible squadron
    boundary       jsonb NOT NULL,              -- GeoJSON Polygon, WGS-84
    centroid_lat   double precision NOT NULL,
    centroid_lon   double precision NOT NULL,
    min_lat        double precision NOT NULL,   -- bounding box, for cheap spatial joins
    min_lon        double precision NOT NULL,
    max_lat        double precision NOT NULL,
    max_lon        double precision NOT NULL,
    area_km2       double precision NOT NULL
);

-- ---------------------------------------------------------------- grid cases
CREATE TABLE cockpit.case_source (
    source_code   text PRIMARY KEY,             -- grid_worker | video_ai | drone | patrol | citizen | supervision
    name_zh       text NOT NULL,
    name_en       text NOT NULL
);

CREATE TABLE cockpit.case_category (
    category_code     text PRIMARY KEY,         -- kind letter + 大类 + 小类, e.g. E0102 (事件 01 市容环境 / 02 暴露垃圾)
    kind              text NOT NULL,            -- component (部件) | event (事件)
    major_code        text NOT NULL,            -- 2-digit 大类
    minor_code        text NOT NULL,            -- 2-digit 小类
    major_name_zh     text NOT NULL,
    minor_name_zh     text NOT NULL,
    minor_name_en     text NOT NULL,
    dispose_limit_hours double precision NOT NULL,  -- disposal time limit, working hours
    is_video_ai       boolean NOT NULL DEFAULT false -- one of the 15 categories recognised by video AI
);

CREATE TABLE cockpit.grid_case (
    case_id            bigint PRIMARY KEY,
    source_code        text,                    -- -> case_source
    category_code      text,                    -- -> case_category
    description        text,                    -- free text from the reporter; may hold personal data, never shown on the wall
    lat                double precision,        -- WGS-84 location of the problem
    lon                double precision,
    grid_code          text,                    -- -> unit_grid
    handler_dept_code  text,                    -- -> department holding the case
    squadron_code      text,                    -- -> squadron responsible
    reported_at        timestamptz,             -- 上报 / 信息收集
    accepted_at        timestamptz,             -- 受理 / 研判
    registered_at      timestamptz,             -- 立案
    dispatched_at      timestamptz,             -- 派遣 / 交办 (and 分配)
    disposed_at        timestamptz,             -- 处置 done
    feedback_at        timestamptz,             -- 处理反馈
    verified_at        timestamptz,             -- 核查 passed
    closed_at          timestamptz,             -- 结案
    dispose_deadline_at timestamptz,            -- 处置时限 (working-time limit of the category, after extensions)
    close_deadline_at  timestamptz,             -- 结案时限
    rework_count       integer NOT NULL DEFAULT 0,   -- 返工: times sent back after a failed 核查
    is_extended        boolean NOT NULL DEFAULT false, -- 延期 granted
    is_deferred        boolean NOT NULL DEFAULT false, -- 缓办 / 挂账
    is_rejected        boolean NOT NULL DEFAULT false, -- 作废 / 不予立案
    is_auto_closed     boolean NOT NULL DEFAULT false  -- closed by automatic routing (自动流转结案)
);

CREATE TABLE cockpit.shop (
    shop_id        bigint PRIMARY KEY,
    name_zh        text,                        -- business name (public signage)
    road_name      text,
    lat            double precision,
    lon            double precision,
    grid_code      text,
    opened_on      date
);

CREATE TABLE cockpit.shop_violation (
    violation_id   bigint PRIMARY KEY,
    shop_id        bigint NOT NULL,             -- -> shop
    observed_at    timestamptz NOT NULL,        -- when the camera or officer saw it
    kind_code      text NOT NULL,               -- clutter_box | out_of_door | sign | other
    was_cleared_in_time boolean,                -- cleared within 15 minutes of the SMS
    case_id        bigint                       -- -> grid_case when it became a case
);

-- ---------------------------------------------------------------- drones
CREATE TABLE cockpit.drone_nest (
    nest_id        text PRIMARY KEY,
    name_zh        text NOT NULL,
    town_code      text NOT NULL,
    lat            double precision NOT NULL,
    lon            double precision NOT NULL,
    status_code    text NOT NULL,               -- flying | idle | offline | maintenance (as last reported)
    status_at      timestamptz NOT NULL,
    camera_radius_m double precision NOT NULL   -- ground footprint radius of the camera at patrol altitude
);

CREATE TABLE cockpit.drone_flight (
    flight_id      bigint PRIMARY KEY,          -- one sortie
    nest_id        text NOT NULL,
    route_name     text,                        -- 河道 / 消防通道 / 建筑垃圾 / 违建 ...
    purpose_code   text NOT NULL,               -- river | fire_lane | construction_waste | illegal_building | general
    started_at     timestamptz NOT NULL,
    ended_at       timestamptz,                 -- null while flying
    distance_km    double precision
);

CREATE TABLE cockpit.drone_track_point (
    flight_id      bigint NOT NULL,
    seq            integer NOT NULL,            -- order within the flight
    recorded_at    timestamptz NOT NULL,
    lat            double precision,
    lon            double precision,
    altitude_m     double precision,
    PRIMARY KEY (flight_id, seq)
);

CREATE TABLE cockpit.drone_detection (
    detection_id   bigint PRIMARY KEY,
    flight_id      bigint NOT NULL,
    detected_at    timestamptz NOT NULL,
    category_code  text NOT NULL,               -- -> case_category (AI class mapped to the standard)
    lat            double precision,
    lon            double precision,
    confidence     double precision,            -- 0..1
    case_id        bigint                       -- -> grid_case it became, null if not dispatched
);

-- ---------------------------------------------------------------- waste
CREATE TABLE cockpit.waste_site (
    site_id        text PRIMARY KEY,
    kind           text NOT NULL,               -- dropoff (投放站) | transfer (转运站) | disposal (末端处置)
    name_zh        text NOT NULL,
    town_code      text NOT NULL,
    community_code text,
    lat            double precision,
    lon            double precision,
    is_timed_fixed boolean NOT NULL DEFAULT false,  -- 定时定点 station, collected twice a day
    capacity_tonnes_per_day double precision,   -- design capacity (transfer and disposal sites)
    treats_category_code text                   -- disposal sites: the waste category it treats (-> waste_category)
);

CREATE TABLE cockpit.waste_vehicle (
    vehicle_id     text PRIMARY KEY,
    plate          text,                        -- as given by the source; never shown unmasked
    category_code  text NOT NULL,               -- perishable | other | recyclable | hazardous
    town_code      text,
    capacity_tonnes double precision
);

CREATE TABLE cockpit.waste_category (
    category_code  text PRIMARY KEY,            -- perishable (易腐/厨余) | other (其他) | recyclable (可回收物) | hazardous (有害垃圾)
    name_zh        text NOT NULL,
    name_en        text NOT NULL
);

CREATE TABLE cockpit.waste_weighing (
    weighing_id    bigint PRIMARY KEY,
    site_id        text,                        -- where it was weighed / collected
    vehicle_id     text,
    category_code  text,
    stage          text NOT NULL,               -- collect (投放站→车) | transfer (转运站 in) | dispose (末端 in)
    from_site_id   text,                        -- upstream site for transfer / dispose
    weighed_at     timestamptz,
    net_tonnes     double precision             -- net weight, tonnes
);

-- ---------------------------------------------------------------- parking
CREATE TABLE cockpit.parking_road (
    road_id        text PRIMARY KEY,
    name_zh        text NOT NULL,
    town_code      text NOT NULL,
    is_strict      boolean NOT NULL,            -- 严管路段
    strict_since   date,
    has_ecapture   boolean NOT NULL,            -- 电子抓拍
    length_km      double precision NOT NULL,
    path           jsonb NOT NULL               -- GeoJSON LineString, WGS-84
);

CREATE TABLE cockpit.parking_violation (
    violation_id   bigint PRIMARY KEY,
    road_id        text,                        -- -> parking_road, null when off the named roads
    observed_at    timestamptz,
    lat            double precision,
    lon            double precision,
    grid_code      text,                        -- -> unit_grid where it happened
    method         text NOT NULL,               -- manual (人工贴单) | ecapture (电子抓拍)
    plate          text,                        -- as given by the source; never shown unmasked
    reminder_at    timestamptz,                 -- SMS reminder sent
    left_within_10min boolean,                  -- car gone 10 minutes after the reminder (劝离)
    ticketed_at    timestamptz,                 -- ticket issued
    is_first_warning boolean NOT NULL DEFAULT false  -- first violation in half a year: warning, no fine
);

CREATE TABLE cockpit.parking_supply (
    supply_id      text PRIMARY KEY,
    kind           text NOT NULL,               -- shared (共享车位) | temporary (临时停车场) | nonmotor (非机动车停放区)
    name_zh        text NOT NULL,
    lat            double precision,
    lon            double precision,
    spaces         integer NOT NULL
);

-- ---------------------------------------------------------------- clothing-market joint service
CREATE TABLE cockpit.market_department (
    dept_code      text PRIMARY KEY,            -- zhifa | shijian | gongan | xiaofang | sifa | zongzhi
    name_zh        text NOT NULL,
    name_en        text NOT NULL,
    mode           text NOT NULL                -- resident (常驻) | rotating (轮驻) | appointment (预约)
);

CREATE TABLE cockpit.market_duty (
    day            date NOT NULL,
    dept_code      text NOT NULL,
    mode           text NOT NULL,               -- mode of presence that day
    PRIMARY KEY (day, dept_code)
);

CREATE TABLE cockpit.market_service_item (
    item_code      text PRIMARY KEY,            -- MS01 .. MS28
    group_zh       text NOT NULL,               -- 法律服务 / 知识产权 / 市场监管 / 安全 / 秩序 ...
    name_zh        text NOT NULL,
    name_en        text NOT NULL,
    dept_code      text NOT NULL,               -- lead department
    promised_hours double precision NOT NULL    -- promised resolution time, working hours
);

CREATE TABLE cockpit.market_request (
    request_id     bigint PRIMARY KEY,
    item_code      text,                        -- -> market_service_item
    dept_code      text,                        -- -> market_department handling it
    channel        text,                        -- onsite | online | work_order
    zone_code      text,                        -- market building or zone
    stall_no       text,                        -- stall identifier (repeat-request key)
    merchant_name  text,                        -- personal data: masked, never on the wall
    merchant_phone text,                        -- personal data: masked, never on the wall
    lat            double precision,
    lon            double precision,
    submitted_at   timestamptz,
    first_response_at timestamptz,
    resolved_at    timestamptz,
    outcome        text,                        -- resolved | referred | rejected | withdrawn; null while open
    satisfaction   smallint                     -- 1..5, null when not rated
);
