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
    /** Provider keys are passed through by name; they are not configuration keys. */
    static final Set<String> KEY_VARIABLES = Set.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY");

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

    /** MicroProfile Config's environment mapping: a key matches VAR when non-alphanumerics become _ and it is upper-cased. */
    static boolean mapsToKey(String service, String var) throws IOException {
        for (String k : props(service).stringPropertyNames()) {
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
            assertEquals(port + ":" + port, svc.get("ports").get(0).asText(), s + " port");
            assertTrue(svc.get("healthcheck").get("test").toString().contains("/q/health/ready"), s + " readiness");
            var env = svc.get("environment").fields();
            while (env.hasNext()) {
                var e = env.next();
                if (KEY_VARIABLES.contains(e.getKey())) continue;
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
                assertTrue(Files.exists(ROOT.resolve(host)), s + " mounts missing " + host);
            }
        }
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
        Map<String, String> configMapVars = new HashMap<>();
        for (JsonNode d : docs("00-namespace-config.yaml")) {
            if (d.path("metadata").path("name").asText().equals("pmc-config")) d.get("data").fields().forEachRemaining(e -> configMapVars.put(e.getKey(), e.getValue().asText()));
        }
        Set<String> deployments = new HashSet<>();
        for (JsonNode d : docs("20-services.yaml")) {
            String name = d.path("metadata").path("name").asText();
            int port = port(name);
            if (d.get("kind").asText().equals("Service")) {
                assertEquals(port, d.get("spec").get("ports").get(0).get("targetPort").asInt(), name + " service port");
                continue;
            }
            deployments.add(name);
            JsonNode c = d.get("spec").get("template").get("spec").get("containers").get(0);
            assertEquals(port, c.get("ports").get(0).get("containerPort").asInt(), name);
            assertEquals("/q/health/ready", c.get("readinessProbe").get("httpGet").get("path").asText());
            assertEquals("/q/health/live", c.get("livenessProbe").get("httpGet").get("path").asText());
            assertEquals(port, c.get("readinessProbe").get("httpGet").get("port").asInt());
            assertEquals(String.valueOf(port), d.get("spec").get("template").get("metadata").get("annotations").get("prometheus.io/port").asText());
            List<String> vars = new ArrayList<>();
            for (JsonNode e : c.get("env")) vars.add(e.get("name").asText());
            for (JsonNode f : c.path("envFrom")) if (f.has("configMapRef")) vars.addAll(configMapVars.keySet());
            for (String v : vars) assertTrue(mapsToKey(name, v), name + ": " + v + " maps to no key of its application.properties");
        }
        assertEquals(new HashSet<>(SERVICES), deployments);
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
