package dev.pmc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pmc.core.Topics;
import dev.pmc.core.targets.TargetFile;
import dev.pmc.stack.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * No container can start here, so the deployment files are checked against the services' real configuration:
 * Dockerfile ports, compose and Kubernetes ports, health probes, environment variable names (each must map
 * to a key the service's application.properties defines), topics (names, partitions, compaction as
 * {@link Topics} creates them), Prometheus scrape targets and the registry file.
 */
class DeploymentFilesTest {
    static final Path ROOT = ServiceProcess.projectRoot();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final List<String> SERVICES = List.of("provider-sim", "prompt-generator", "model-gateway", "response-scorer", "metrics-aggregator");
    /** Keys read by extensions rather than by PMC's code or properties files (token verification). */
    static final Set<String> EXTENSION_KEYS = Set.of("mp.jwt.verify.publickey.location", "mp.jwt.verify.issuer", "smallrye.jwt.path.groups");

    static Properties props(String service) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(ROOT.resolve(service + "/src/main/resources/application.properties"))) {
            p.load(in);
        }
        return p;
    }

    static int port(String service) throws IOException {
        return Integer.parseInt(props(service).getProperty("quarkus.http.port"));
    }

    /**
     * The configuration keys a service reads: its application.properties, the shared defaults in core's
     * microprofile-config.properties, every {@code @ConfigProperty(name = ...)} in its code, and the token keys.
     */
    static Set<String> keys(String service) throws IOException {
        Set<String> keys = new HashSet<>(props(service).stringPropertyNames());
        Properties shared = new Properties();
        try (var in = Files.newBufferedReader(ROOT.resolve("core/src/main/resources/META-INF/microprofile-config.properties"))) {
            shared.load(in);
        }
        shared.stringPropertyNames().forEach(k -> keys.add(k.replaceFirst("^%\\w+\\.", "")));
        Pattern injected = Pattern.compile("@ConfigProperty\\(name\\s*=\\s*\"([^\"]+)\"");
        try (var files = Files.walk(ROOT.resolve(service + "/src/main/java"))) {
            for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                Matcher m = injected.matcher(Files.readString(f));
                while (m.find()) keys.add(m.group(1));
            }
        }
        keys.addAll(EXTENSION_KEYS);
        return keys;
    }

    /** MicroProfile Config's environment mapping: a key matches VAR when non-alphanumerics become _ and it is upper-cased. */
    static boolean mapsToKey(String service, String var) throws IOException {
        for (String k : keys(service)) {
            if (k.replaceAll("[^A-Za-z0-9]", "_").toUpperCase().equals(var)) return true;
        }
        return false;
    }

    @Test
    void dockerfilesExposeTheServicePortAndRunTheFastJar() throws IOException {
        for (String s : SERVICES) {
            String df = Files.readString(ROOT.resolve(s + "/Dockerfile"));
            assertTrue(df.contains("EXPOSE " + port(s)), s + " Dockerfile exposes " + port(s));
            assertTrue(df.contains("COPY target/quarkus-app/lib/ lib/") && df.contains("quarkus-run.jar"), s + " runs the fast-jar");
        }
    }

    @Test
    void composeMatchesPortsEnvironmentTopicsAndMounts() throws IOException {
        JsonNode c = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
        JsonNode services = c.get("services");
        for (String s : SERVICES) {
            JsonNode svc = services.get(s);
            assertTrue(svc != null, "compose service " + s);
            assertEquals(s, svc.get("build").asText(), s + " builds from its module");
            int port = port(s);
            assertEquals("127.0.0.1:" + port + ":" + port, svc.get("ports").get(0).asText(), s + " port, published on the loopback interface only");
            // inside its container a service must listen on the container's address to be reachable at all
            assertEquals("0.0.0.0", svc.get("environment").get("QUARKUS_HTTP_HOST").asText(), s);
            if (!s.equals("provider-sim")) {
                assertEquals("/run/pmc/security/public.pem", svc.get("environment").get("MP_JWT_VERIFY_PUBLICKEY_LOCATION").asText(), s + " checks tokens");
            }
            for (var key : List.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY")) {
                assertTrue(!svc.get("environment").has(key), s + ": provider keys are files of the gateway's secrets directory, not variables");
            }
            assertTrue(svc.get("healthcheck").get("test").toString().contains("/q/health/ready"), s + " readiness");
            var env = svc.get("environment").fields();
            while (env.hasNext()) {
                var e = env.next();
                assertTrue(mapsToKey(s, e.getKey()), s + ": " + e.getKey() + " maps to no key of its application.properties");
            }
            assertEquals(String.valueOf(port), svc.get("environment").get("QUARKUS_HTTP_PORT").asText());
            if (!s.equals("provider-sim")) assertEquals("kafka:9092", svc.get("environment").get("KAFKA_BOOTSTRAP_SERVERS").asText());
        }
        assertEquals("http://provider-sim:" + port("provider-sim") + "/v1",
                services.get("model-gateway").get("environment").get("PMC_GATEWAY_DEFAULT_BASE_URL").asText());
        // topics created exactly as Topics says
        String script = services.get("kafka-topics").get("command").get(0).asText();
        Map<String, String> created = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*t (\\S+) (\\d+)(.*)$").matcher(script);
        while (m.find()) created.put(m.group(1), m.group(2) + (m.group(3).contains("compact") ? " compact" : ""));
        Map<String, String> expected = new HashMap<>();
        for (Topics.Spec t : Topics.all(Topics.DEFAULT_PARTITIONS)) expected.put(t.name(), t.partitions() + (t.compacted() ? " compact" : ""));
        assertEquals(expected, created, "compose topics");
        // mounts point at files that exist, and Grafana's dashboards where its provisioning looks
        for (String s : List.of("prompt-generator", "prometheus", "grafana")) {
            for (JsonNode v : services.get(s).get("volumes")) {
                String host = v.asText().split(":")[0];
                if (host.startsWith("./.pmc/")) continue; // made by bin/pmc token, as the compose file's header says
                assertTrue(Files.exists(ROOT.resolve(host)), s + " mounts missing " + host);
            }
        }
        for (var p : services.get("kafka").path("ports")) fail("Kafka is not published to the host: " + p);
        assertEquals("/run/pmc/secrets", services.get("model-gateway").get("environment").get("PMC_GATEWAY_SECRETS_DIR").asText());
        assertTrue(services.get("model-gateway").get("volumes").toString().contains("./.pmc/secrets:/run/pmc/secrets:ro"));
        JsonNode provider = YAML.readTree(ROOT.resolve("deploy/grafana/provisioning/dashboards/pmc.yml").toFile());
        String dashPath = provider.get("providers").get(0).get("options").get("path").asText();
        assertTrue(services.get("grafana").get("volumes").toString().contains("./deploy/grafana/dashboards:" + dashPath), "dashboards mounted at " + dashPath);
        assertTrue(services.get("prompt-generator").get("environment").get("PMC_TARGETS_FILE").asText().endsWith("targets.yaml"));
    }

    @Test
    void registryFilesAreValidTargetDefinitions() throws IOException {
        assertTrue(TargetFile.read(ROOT.resolve("deploy/targets.yaml")).size() >= 3);
        JsonNode cm = docs("00-namespace-config.yaml").stream().filter(d -> d.path("metadata").path("name").asText().equals("pmc-targets")).findFirst().orElseThrow();
        assertTrue(TargetFile.parseDocument(cm.get("data").get("targets.yaml").asText()).size() >= 3);
    }

    @Test
    void prometheusScrapesEveryServiceOnItsPort() throws IOException {
        for (String file : List.of("deploy/prometheus/prometheus.yml", "deploy/prometheus/compose/prometheus.yml")) {
            JsonNode p = YAML.readTree(ROOT.resolve(file).toFile());
            Set<String> jobs = new HashSet<>();
            for (JsonNode job : p.get("scrape_configs")) {
                String name = job.get("job_name").asText().replaceFirst("^pmc-", "");
                assertEquals("/q/metrics", job.get("metrics_path").asText());
                String target = job.get("static_configs").get(0).get("targets").get(0).asText();
                assertTrue(target.endsWith(":" + port(name)), file + ": " + name + " scraped at " + target);
                jobs.add(name);
            }
            assertEquals(new HashSet<>(SERVICES), jobs, file);
        }
    }

    @Test
    void kubernetesManifestsMatchPortsProbesEnvironmentAndTopics() throws IOException {
        Map<String, Map<String, String>> configMaps = new HashMap<>();
        for (JsonNode d : docs("00-namespace-config.yaml")) {
            if (!d.path("kind").asText().equals("ConfigMap")) continue;
            Map<String, String> data = new HashMap<>();
            d.get("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
            configMaps.put(d.get("metadata").get("name").asText(), data);
        }
        Map<String, String> configMapVars = configMaps.get("pmc-config");
        Set<String> deployments = new HashSet<>();
        for (JsonNode d : docs("20-services.yaml")) {
            String name = d.path("metadata").path("name").asText();
            int port = port(name);
            if (d.get("kind").asText().equals("Service")) {
                assertEquals(port, d.get("spec").get("ports").get(0).get("targetPort").asInt(), name + " service port");
                continue;
            }
            deployments.add(name);
            JsonNode pod = d.get("spec").get("template").get("spec");
            JsonNode c = pod.get("containers").get(0);
            assertEquals(port, c.get("ports").get(0).get("containerPort").asInt(), name);
            // hardened pods: no service-account token, non-root, read-only root file system with a writable /tmp
            assertEquals(false, pod.get("automountServiceAccountToken").asBoolean(true), name + " automountServiceAccountToken");
            assertTrue(pod.get("securityContext").get("runAsNonRoot").asBoolean(), name + " runAsNonRoot");
            assertTrue(pod.get("securityContext").get("runAsUser").asInt() > 0, name + " runAsUser");
            assertTrue(c.get("securityContext").get("readOnlyRootFilesystem").asBoolean(), name + " readOnlyRootFilesystem");
            assertEquals(false, c.get("securityContext").get("allowPrivilegeEscalation").asBoolean(true), name);
            assertEquals("[\"ALL\"]", c.get("securityContext").get("capabilities").get("drop").toString(), name);
            assertTrue(c.get("volumeMounts").toString().contains("\"mountPath\":\"/tmp\""), name + " writable /tmp");
            assertTrue(pod.get("volumes").toString().contains("\"emptyDir\""), name);
            for (JsonNode f : c.path("envFrom")) assertTrue(!f.has("secretRef"), name + ": no secrets as environment variables");
            if (name.equals("model-gateway")) {
                assertTrue(c.get("volumeMounts").toString().contains("/var/run/pmc/secrets"), "provider keys mounted as files");
            } else {
                assertTrue(!pod.path("volumes").toString().contains("pmc-provider-keys"), name + " never sees provider keys");
            }
            assertEquals("/q/health/ready", c.get("readinessProbe").get("httpGet").get("path").asText());
            assertEquals("/q/health/live", c.get("livenessProbe").get("httpGet").get("path").asText());
            assertEquals(port, c.get("readinessProbe").get("httpGet").get("port").asInt());
            assertEquals(String.valueOf(port), d.get("spec").get("template").get("metadata").get("annotations").get("prometheus.io/port").asText());
            List<String> vars = new ArrayList<>();
            for (JsonNode e : c.get("env")) vars.add(e.get("name").asText());
            for (JsonNode f : c.path("envFrom")) {
                if (f.has("configMapRef")) vars.addAll(configMaps.get(f.get("configMapRef").get("name").asText()).keySet());
            }
            for (String v : vars) assertTrue(mapsToKey(name, v), name + ": " + v + " maps to no key of its application.properties");
        }
        assertEquals(new HashSet<>(SERVICES), deployments);
        assertEquals("0.0.0.0", configMapVars.get("QUARKUS_HTTP_HOST"), "pods listen on their address; the NetworkPolicy limits who connects");
        assertTrue(configMapVars.containsKey("MP_JWT_VERIFY_PUBLICKEY_LOCATION") && configMapVars.containsKey("MP_JWT_VERIFY_ISSUER"), "tokens checked against the cluster's OIDC provider");
        // a default-deny NetworkPolicy for the namespace, and no egress rule open to private or metadata addresses
        List<JsonNode> policies = docs("40-network-policy.yaml");
        assertTrue(policies.stream().anyMatch(p -> p.get("spec").get("podSelector").isEmpty()
                && p.get("spec").get("policyTypes").toString().contains("Ingress") && p.get("spec").get("policyTypes").toString().contains("Egress")
                && !p.get("spec").has("ingress") && !p.get("spec").has("egress")), "default deny");
        for (JsonNode p : policies) {
            for (JsonNode rule : p.get("spec").path("egress")) {
                for (JsonNode to : rule.path("to")) {
                    if (!to.has("ipBlock")) continue;
                    String except = to.get("ipBlock").path("except").toString();
                    for (String cidr : List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8")) {
                        assertTrue(except.contains(cidr), p.get("metadata").get("name").asText() + " egress excludes " + cidr);
                    }
                }
            }
        }
        Map<String, String> topics = new HashMap<>();
        for (JsonNode t : docs("10-topics.yaml")) {
            topics.put(t.get("metadata").get("name").asText(), t.get("spec").get("partitions").asInt()
                    + ("compact".equals(t.get("spec").path("config").path("cleanup.policy").asText()) ? " compact" : ""));
        }
        Map<String, String> expected = new HashMap<>();
        for (Topics.Spec t : Topics.all(Topics.DEFAULT_PARTITIONS)) expected.put(t.name(), t.partitions() + (t.compacted() ? " compact" : ""));
        assertEquals(expected, topics, "Strimzi KafkaTopics");
        for (JsonNode so : docs("30-autoscaling.yaml")) {
            String target = so.get("spec").get("scaleTargetRef").get("name").asText();
            assertTrue(deployments.contains(target));
            JsonNode meta = so.get("spec").get("triggers").get(0).get("metadata");
            String group = meta.get("consumerGroup").asText();
            String incoming = target.equals("model-gateway") ? "prompts" : "responses";
            assertEquals(props(target).getProperty("mp.messaging.incoming." + incoming + ".group.id"), group);
            assertEquals(props(target).getProperty("mp.messaging.incoming." + incoming + ".topic"), meta.get("topic").asText());
            assertTrue(so.get("spec").get("maxReplicaCount").asInt() <= Topics.DEFAULT_PARTITIONS, "no more replicas than partitions");
        }
    }

    static List<JsonNode> docs(String file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (var p = YAML.getFactory().createParser(ROOT.resolve("deploy/k8s/" + file).toFile())) {
            var it = YAML.readValues(p, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isEmpty()) out.add(n);
            }
        }
        return out;
    }
}
